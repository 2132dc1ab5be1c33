"""The sentences a student reads when a call into the sandbox does not return a value.

Each starts with the call (described from its real arguments), then says what happened and, where there is
one, what to change. Tests import these templates instead of retyping them.
"""
import signal

from autograder.sandbox.zygote_messages import Ended

RAISED = "{call} raised {error}"
NOT_DONE = " This part is not done yet."
OUT_OF_MEMORY = " It ran out of memory: the sandbox allows {gib} GiB of address space per process."
OUT_OF_SUBMISSION_MEMORY = ("{call} ran out of memory and was killed: the sandbox allows {limit} for all of your "
                            "code's processes together. Look for data that grows without end or far too large.")
TIMED_OUT = ("{call} did not finish within {timeout:g} s and was stopped: look for an endless loop or work that "
             "grows far too fast.")
UNREADABLE = "{call} returned something the grader cannot read ({reason})."
KILLED = "{call} {reason} instead of returning."
EXITED = ("{call} ended the Python process (exit status {status}) instead of returning: remove sys.exit(), "
          "os._exit() or quit() from your code.")
SIGNAL_REASONS = {
    signal.SIGSEGV: "crashed Python with a segmentation fault",
    signal.SIGBUS: "crashed Python with a bus error",
    signal.SIGABRT: "aborted the Python process (torch does this when it runs out of memory)",
    signal.SIGXCPU: "used up its CPU time limit",
    signal.SIGKILL: "was killed (out of memory or CPU time)",
}
OTHER_SIGNAL = "was killed by signal {number}"
BANNED_CALL = ("{call} called {routine}; this exercise asks you to implement it yourself instead of calling the "
               "library routine (torch and numpy primitives are fine).")
GIVEN_UP = "{call} was not run: {name} {reason} in an earlier test, so the grader stops calling it."
OVER_BUDGET = ("{call} was not run: your code already used the {budget:g} s that all calls of one submission may "
               "take together.")
STOPPED_AT_BUDGET = ("{call} was stopped: your code used up the {budget:g} s that all calls of one submission may "
                     "take together.")
NOT_LOADED = "{file} could not be loaded, so none of its tests could run: {reason}"
LOADING = "loading {file}"
LOADING_IT = "loading it"
HANDLE_LOST = "{label} was lost when an earlier call ended the Python process."
NOT_DEFINED = "{file} does not define `{name}`{hint}."
DID_YOU_MEAN = " (did you mean `{near}`? Check the spelling)"
NOT_DEFINED_BECAUSE = "{file} does not define `{name}`: it {why}"
GLOBAL_NOT_SET = "{call} raised {error} `{name}` {why}"
# Why later calls of a name are not run (GIVEN_UP's reason).
GAVE_UP_MEMORY = "ran out of memory"
GAVE_UP_TIME = "did not finish within {timeout:g} s"


def child_lost(call: str, reason: str | None, ended: Ended, timeout: float) -> str:
    """Say why `call` lost its child: a timeout, an unreadable answer, or how the zygote saw it end."""
    if reason == "timeout":
        return TIMED_OUT.format(call=call, timeout=timeout)
    if reason:
        return UNREADABLE.format(call=call, reason=reason)
    if ended.out_of_memory:
        return OUT_OF_SUBMISSION_MEMORY.format(call=call, limit=ended.out_of_memory)
    if ended.signal is not None:
        number = ended.signal
        return KILLED.format(call=call, reason=SIGNAL_REASONS.get(number, OTHER_SIGNAL.format(number=number)))
    return EXITED.format(call=call, status=ended.exit)


def raised_text(raised) -> str:
    """An exception the student's code raised (a messages.Raised), as the end of a sentence: type, message, line."""
    where = f" ({raised.where.file}, line {raised.where.line})" if raised.where else ""
    message = f": {raised.message}" if raised.message else ""
    return f"{raised.type}{message}{where}."
