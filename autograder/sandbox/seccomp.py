"""A seccomp filter for the sandboxed child: what student code never needs fails with EPERM.

Classic BPF, hand-written here so that no library is needed, installed by layers.confine()
after no_new_privs and before any student code; every thread and process the child starts
inherits it. The program, for x86_64 only:

    arch is not x86_64 (i386 calls through int 0x80 have numbers of their own) -> EPERM
    number has the x32 bit                                                       -> EPERM
    clone with any CLONE_NEW* flag in its first argument                         -> EPERM
    clone3, whose flags live in memory a filter cannot read                      -> ENOSYS (libc then uses clone)
    a call of DENIED                                                             -> EPERM
    anything else                                                                -> allowed
"""
import ctypes
import errno
import os

# x86_64 system call numbers (asm/unistd_64.h), by the kind of attack they serve.
DENIED = {
    "namespaces": {"unshare": 272, "setns": 308},
    "io_uring": {"io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427},
    "ptrace": {"ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438},
    "kernel keyrings": {"add_key": 248, "request_key": 249, "keyctl": 250},
    "bpf": {"bpf": 321, "userfaultfd": 323},
    "perf events": {"perf_event_open": 298},
    "mounts": {"pivot_root": 155, "chroot": 161, "mount": 165, "umount2": 166, "open_tree": 428, "move_mount": 429,
               "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
               "open_tree_attr": 467},
    "file handles": {"name_to_handle_at": 303, "open_by_handle_at": 304},
    "kernel administration": {"syslog": 103, "acct": 163, "swapon": 167, "swapoff": 168, "reboot": 169,
                              "iopl": 172, "ioperm": 173, "init_module": 175, "delete_module": 176,
                              "kexec_load": 246, "finit_module": 313, "kexec_file_load": 320},
}
SYS_CLONE, SYS_CLONE3 = 56, 435
# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: every flag that makes a namespace.
CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
PHRASE = ("seccomp (no new namespaces, mounts, io_uring, ptrace, kernel keyrings, bpf, perf events or kernel "
          "administration)")
# struct seccomp_data {int nr; u32 arch; u64 instruction_pointer; u64 args[6]}: offsets of what the filter reads.
NR_OFFSET, ARCH_OFFSET, FIRST_ARGUMENT_LOW_OFFSET = 0, 4, 16  # little-endian: the low half comes first
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
PR_GET_SECCOMP, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 21, 22, 2

_libc = ctypes.CDLL(None, use_errno=True)


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def obstacle() -> str | None:
    """Say why this machine cannot have the filter, or None when it can."""
    machine = os.uname().machine
    if machine != "x86_64":
        return f"its filter is written for x86_64 system calls, and this machine is {machine}"
    if _libc.prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        return "this kernel was built without seccomp"
    return None


def install() -> list[str]:
    """Install the filter on this process (no_new_privs must be set) and return the phrase for the report."""
    program = _Program(len(_FILTER), _FILTER)
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))
    return [PHRASE]


def _program() -> list[tuple[int, int, int, int]]:
    """Write the filter as (code, jump if true, jump if false, constant) instructions."""
    denied = sorted(number for calls in DENIED.values() for number in calls.values())
    lines = [
        (LD_W_ABS, ARCH_OFFSET, None, None),
        (JEQ_K, AUDIT_ARCH_X86_64, None, "deny"),
        (LD_W_ABS, NR_OFFSET, None, None),
        (JGE_K, X32_SYSCALL_BIT, "deny", None),
        (JEQ_K, SYS_CLONE, "clone", None),
        (JEQ_K, SYS_CLONE3, "no such call", None),
        *[(JEQ_K, number, "deny", None) for number in denied],
        (RET_K, RET_ALLOW, None, None),
        "clone",
        (LD_W_ABS, FIRST_ARGUMENT_LOW_OFFSET, None, None),
        (JSET_K, CLONE_NEW_FLAGS, "deny", None),
        (RET_K, RET_ALLOW, None, None),
        "no such call",
        (RET_K, RET_ERRNO | errno.ENOSYS, None, None),
        "deny",
        (RET_K, RET_ERRNO | errno.EPERM, None, None),
    ]
    return _assemble(lines)


def _assemble(lines) -> list[tuple[int, int, int, int]]:
    """Turn jump labels into offsets from the next instruction, as classic BPF counts them (at most 255)."""
    labels, code = {}, []
    for line in lines:
        if isinstance(line, str):
            labels[line] = len(code)
        else:
            code.append(line)

    def offset(label, index):
        return 0 if label is None else labels[label] - index - 1

    return [(op, offset(true, index), offset(false, index), k) for index, (op, k, true, false) in enumerate(code)]


_PROGRAM = _program()
_FILTER = (_Instruction * len(_PROGRAM))(*(_Instruction(*instruction) for instruction in _PROGRAM))  # built once
