"""Hostile submission: calls into the kernel for what student code never needs.

`attempts()` makes one call of each kind a seccomp filter should deny, each in a process of its
own (so that one that succeeds changes nothing for the next), and returns, per call, "ok" or
the errno's name. Each is chosen so that without a filter it succeeds or fails with
another errno than EPERM, and so that succeeding changes nothing the test depends on: a new
user namespace through unshare, through clone (with CLONE_FS, which the kernel then refuses
with EINVAL) and through the i386 system call table (int 0x80, which a filter checking only
x86_64 numbers misses); setns; clone3 (a filter cannot read its flags: it must say ENOSYS so
that libc falls back to clone); io_uring_setup; ptrace; process_vm_readv of itself; keyctl;
bpf; perf_event_open; userfaultfd; open_tree (the new mount API) and umount2; a file handle;
the kernel log; an x32 system call. The grader must deny each, and l1_reg still works.
"""

import ctypes
import mmap
import os

import torch
import torch.nn as nn

CLONE_FS, CLONE_NEWUSER, SIGCHLD = 0x200, 0x10000000, 17
AT_FDCWD = -100

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


ATTEMPTS = {
    "unshare(CLONE_NEWUSER)": lambda: _call(272, CLONE_NEWUSER),
    "clone(CLONE_NEWUSER | CLONE_FS)": lambda: _call(56, CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0),
    "i386 unshare(CLONE_NEWUSER)": lambda: _i386_unshare(CLONE_NEWUSER),
    "setns": lambda: _call(308, -1, 0),
    "clone3": lambda: _call(435, 0, 0),
    "io_uring_setup": lambda: _call(425, 1, 0),
    "ptrace(PTRACE_PEEKUSER)": lambda: _call(101, 3, os.getpid(), 0, 0),
    "process_vm_readv": lambda: _call(310, os.getpid(), 0, 0, 0, 0, 0),
    "keyctl(KEYCTL_GET_KEYRING_ID)": lambda: _call(250, 0, -3, 0),
    "bpf(BPF_MAP_CREATE)": lambda: _call(321, 0, 0, 0),
    "perf_event_open": lambda: _call(298, 0, 0, -1, -1, 0),
    "userfaultfd": lambda: _call(323, 0),
    "open_tree": lambda: _call(428, AT_FDCWD, b"/", 0),
    "umount2": lambda: _call(166, b"/", 2),
    "name_to_handle_at": lambda: _call(303, AT_FDCWD, b".", 0, 0, 0),
    "syslog(SYSLOG_ACTION_SIZE_BUFFER)": lambda: _call(103, 10, 0, 0),
    "x32 getpid": lambda: _call(0x40000000 | 39),
}


def attempts():
    return {name: _in_own_process(attempt) for name, attempt in ATTEMPTS.items()}


def _in_own_process(attempt):
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(write_end, attempt().encode())
        finally:
            os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 100).decode()
    os.close(read_end)
    os.waitpid(pid, 0)
    return answer or "the process died"


def _call(number, *args):
    wide = [ctypes.c_long(arg) if isinstance(arg, int) else arg for arg in args]
    if _libc.syscall(ctypes.c_long(number), *wide) >= 0:
        return "ok"
    return _name(ctypes.get_errno())


def _i386_unshare(flags):
    """unshare through int 0x80, where system calls have i386 numbers (310 is unshare)."""
    code = (b"\x53"                                      # push rbx (callee-saved)
            + b"\xbb" + flags.to_bytes(4, "little")     # mov ebx, flags
            + b"\xb8" + (310).to_bytes(4, "little")     # mov eax, 310
            + b"\xcd\x80"                               # int 0x80
            + b"\x5b\xc3")                              # pop rbx; ret
    memory = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    memory.write(code)
    result = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(memory)))()
    return "ok" if result >= 0 else _name(-result)


def _name(number):
    import errno

    return errno.errorcode.get(number, str(number))


def l1_reg(model):
    return sum((param.abs().sum() for param in model.parameters()), torch.zeros(()))


def l2_reg(model):
    raise NotImplementedError("Complete the l2_reg function")


def dropout(x, p, training=True):
    raise NotImplementedError("Complete the dropout function")


class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        raise NotImplementedError("Complete the Dropout.forward function")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    raise NotImplementedError("Complete the regularized_loss function")
