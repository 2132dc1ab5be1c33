"""Run a student's code in a confined child process; only allowlisted plain data comes back.

Three processes, what each holds, and the messages between them:

 grader (trusted)                        zygote (holds no secret)               child, one at a time per
                                                                                submission (hostile)
 +-----------------------------+         +---------------------------+         +---------------------------+
 | hidden tests, reference,    |         | torch, numpy imported     |         | the student's module and  |
 | the Report                  |         | once; the confinement     |         | every object it made;     |
 | StudentCode, Remote proxies |         | template (layers.View),   |         | a _Server answering       |
 |   (remote.py)               |         | the probed Capabilities,  |         | requests (child.py); each |
 | Budget, BannedRoutines      |         | cgroup hierarchy          |         | Chunk compiled at its own |
 |   (faults.py, sentences.py) |         | (zygote.py)               |         | line (chunks.py)          |
 | Sandbox: the zygote's       |         |                           |         |                           |
 |   control (control.py)      |         |                           |         |                           |
 | Child: one data socket      |         |                           |         |                           |
 |   (transport.py)            |         |                           |         |                           |
 +-----------------------------+         +---------------------------+         +---------------------------+
        |                                    |                                       ^
        |== control: SOCK_SEQPACKET, ========>|                                       |
        |   one JSON message a packet, typed  |--fork, confine, serve---------------->|
        |   in zygote_messages.py:            |                                       |
        |   Config (first; never argv), then  |                                       |
        |   Spawn + the child's fd, Reap(pid),|                                       |
        |   Quit                              |                                       |
        |<= Ready(notes, cgroups) first, then |                                       |
        |   Spawned(pid) after a Spawn, Ended(exit or signal, out_of_memory) after a  |
        |   Reap; each end refuses a message of another kind                          |
        |                                                                             |
        |== data: a socketpair, length-prefixed frames (wire.py) ===================>|
        |   requests.py: Load (chunks.py's Chunks) | Call | GetAttr, pickled: only   |
        |   the grader writes them; the child refuses any other kind                  |
        |<== Hello first, then one Answer per request (messages.py): JSON and raw ====|
        |    array bytes, decoded by the allowlist into typed records, never unpickled

Which layers apply where:

 grader   before any code is sent: the source policy (autograder.policy); the course folders'
          permissions and the folders the child's view hides (course_folders.py); per call: a
          time limit and the submission's time budget (faults.py); every answer read by the
          allowlist and its shape (wire.load_answer, messages.Shape), size caps checked first.
 zygote   started from "/" with '' off sys.path, before any reference or hidden test is loaded;
          its environment replaced by the grader's plain one (environment.py); dies with the grader.
 child    between fork and the first student statement, in this order: its own cgroup (memory and
          pids, cgroups.py), a new pid namespace, nice, stdio to /dev/null, then layers.confine:
          inherited fds closed, mount/net/ipc/uts namespaces with a read-only / holding only the
          View, rlimits, no new privileges, seccomp (seccomp.py), Landlock, the uid drop to a uid
          of its own; then environment.settle_child. A crash, exit, hang or blow-up ends only the
          child: the zygote reaps it, the call loses its points with a sentence, and the next call
          gets a fresh child with the submission loaded again.

Without a sandbox (inside otter-grader's kernel, where the notebook has already run), unconfined.py
answers the same requests in-process through the same server and the same allowlist.
"""
