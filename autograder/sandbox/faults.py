"""The policy on faults and budgets: what a submission's calls may spend, and what one fault costs later calls.

A call that crashes, exits, hangs or blows its memory kills only its child: the caller gets a StudentFault
naming the call, and the next call starts a fresh child with the submission loaded again. Spawning, loading,
calls and reaps all count against the submission's time budget, so a submission that crashes every child it
gets cannot make the grader respawn it forever; and a name that hung or ran out of memory once is not called
again, so one endless loop does not cost its price in every later test. A banned library routine that ran
during a call is charged to the graded names the call involved.
"""
import contextlib
import time

from autograder.feedback import StudentFault
from autograder.sandbox.sentences import (GAVE_UP_MEMORY, GAVE_UP_TIME, GIVEN_UP, OVER_BUDGET, STOPPED_AT_BUDGET,
                                          TIMED_OUT)

DEFAULT_TIMEOUT = 10.0  # seconds one call may take
DEFAULT_BUDGET = 60.0  # seconds all of one submission's calls may take together


class Budget:
    """The time one submission's calls may take, each and all together, and the names no longer called."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, seconds: float = DEFAULT_BUDGET):
        self.timeout, self.seconds, self.spent = timeout, seconds, 0.0
        self.given_up: dict[str, str] = {}  # student name -> why later calls of it are not run

    def time_left(self, label) -> float:
        """Seconds the next step may take: the call timeout, or less when the budget is nearly spent."""
        if self.spent >= self.seconds:  # so one slow submission cannot hold up a class's batch
            raise StudentFault(OVER_BUDGET.format(call=label, budget=self.seconds))
        return min(self.timeout, self.seconds - self.spent)

    @contextlib.contextmanager
    def spending(self):
        """Count the time the body takes against the budget, however it ends."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.spent += time.monotonic() - started

    def refuse_given_up(self, involved: set[str], label) -> None:
        """Refuse a call into a name that hung or ran out of memory in an earlier test."""
        stuck = sorted(involved & set(self.given_up))
        if stuck:
            raise StudentFault(GIVEN_UP.format(call=label, name=stuck[0], reason=self.given_up[stuck[0]]))

    def out_of_memory(self, involved: frozenset) -> None:
        """Stop calling the names a call that raised MemoryError involved."""
        self.given_up.update(dict.fromkeys(involved, GAVE_UP_MEMORY))

    def stopped(self, label, limit: float) -> str | None:
        """The sentence for a step stopped at `limit` seconds when the budget, not the timeout, set that limit."""
        return STOPPED_AT_BUDGET.format(call=label, budget=self.seconds) if limit < self.timeout else None

    def lost(self, lost, label, limit: float, involved: frozenset) -> str:
        """Why a call lost its child (a transport.ChildLost); a timeout also stops later calls of the names involved."""
        if lost.reason != "timeout":
            return lost.sentence(label, limit)
        stopped = self.stopped(label, limit)
        if stopped:
            return stopped
        self.given_up.update(dict.fromkeys(involved, GAVE_UP_TIME.format(timeout=limit)))
        return TIMED_OUT.format(call=label, timeout=limit)


class BannedRoutines:
    """The library routines each graded name may not call, and the names already caught handing their work over."""

    def __init__(self, banned: dict | None = None, delegating=()):
        """`delegating`: graded names already known to hand their work to a banned routine (from the source)."""
        self.banned = dict(banned or {})  # graded name -> library routines it may not call
        self.delegating: set[str] = set(delegating)

    def traced(self) -> list[str]:
        """Every routine the child must report when it runs."""
        return sorted({name for names in self.banned.values() for name in names})

    def charged(self, ran: list[str], involved: frozenset) -> list[str]:
        """The banned routines that ran during a call into `involved` names and count against them.

        Whatever code or thread called a routine, the call's names answer for it; except a routine banned for
        another graded name already caught delegating: a Dropout built on a dropout that delegates to torch loses
        dropout's points, not its own.
        """
        others = self.delegating - involved
        charged = [qualname for qualname in ran
                   if any(self._banned_for(qualname, name) for name in involved)
                   and not any(self._banned_for(qualname, name) for name in others)]
        if charged:
            self.delegating |= {name for name in involved if any(self._banned_for(q, name) for q in charged)}
        return charged

    def _banned_for(self, qualname: str, name: str) -> bool:
        """Whether a routine is banned for `name`, or lies under one banned (everything in torch.optim)."""
        return any(qualname == entry or qualname.startswith(entry + ".") for entry in self.banned.get(name, ()))
