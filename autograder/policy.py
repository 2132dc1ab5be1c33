"""Read a submission's source for code that hands an exercise to a library or tampers with grading.

Computed in the grader from the parsed chunks, never in the child, so nothing the
submission does at run time can change the verdict:

    chunks (autograder.submission)     a .py is one chunk, a notebook one per kept statement
        |  _Module                     one unit per top-level definition or module-level statement;
        v                              the module scope: imports and aliases as dotted paths
    units                              each walked once (_Walker): the module-level names it uses,
        |                              the paths it reaches, family-B findings, what runs at load
        v
    reach                              graded name -> the units its calls can run
        |  check()
        v
    Violation(rule, sentence, filename, line, charged)

Family A, own work: a graded name may not reach a routine the assignment bans for it
(assignment.toml `[[banned]]`) by any static route: a call, a helper, an alias,
`functools.partial`, a lambda, a default argument, a decorator, a base class, getattr
with a constant name, `vars(F)["dropout"]`, `importlib.import_module(...)`, torch's other
spellings of the routine (`torch.ops.aten.dropout`, `torch.native_dropout`,
`torch._VF.dropout`, `torch.nn.modules.dropout.Dropout`, `torch.optim.adam._single_tensor_adam`),
or a module holding one handed to other code (`_pick(F, name)`). Family B, plain exercise
code: RULE_WHY says what each rule forbids and why.

Who is charged. A violation costs every graded name whose code contains it, or that uses,
calls, names or inherits (directly or through helpers) the definition containing it; own
work stops at another graded name, which answers for its own delegation. The
edges: every use of a module-level name leads to the statements that bind it, and to those
that change it in place (`OPS["drop"] = ...`, `OPS.append(...)`, `setattr(Dropout, ...)`,
`@add_to_class(Dropout)`, `global x; x = ...`); a class is one unit with all its methods.
A call sees the last binding of a name, unless that binding can fail (a notebook cell with
a decorator, a computed default or an import), which leaves the earlier ones alive too.
Code that runs when the file is loaded (module-level statements of a .py, decorators,
defaults, class bodies, a decorated function, and whatever they call) costs every graded
name when it tampers with shared state, that is any family-B finding but a getattr with a
constant name or a membership test on sys.modules: it runs before any graded call and can
change all of them. The child runs a submission under its module name, so blocks under
`if __name__ == "__main__":` never run in grading and are skipped.

Deliberately allowed: getattr/setattr/vars on plain objects (`getattr(self, name)`,
`setattr(self, k, v)`, `self.__dict__.update(...)`), reflection on the submission's own
classes, `model.__class__.__name__`, `type(x)`, `isinstance`, `super()`, type annotations,
plain data stored on a module (`torch.backends.cudnn.deterministic = True`,
`pd.options.mode.x = None`) and the SETTINGS, items of module dictionaries
(`plt.rcParams[...]`, `os.environ[...]`), seeding, logging and warnings calls, `gc.collect()`,
plain imports of any module (what is used counts, not what is imported), and anything in
code no graded name can reach.
"""

import ast
import builtins
import warnings
from dataclasses import dataclass, field

OWN_WORK = "own-work"
EXEC = "exec"
IMPORT = "dynamic-import"
GRADER = "grader-import"
REFLECTION = "reflection"
MONKEYPATCH = "monkeypatch"
INTROSPECTION = "introspection"
GC = "gc"
CTYPES = "ctypes"
FRAMES = "frames"
CONCURRENCY = "concurrency"
TORCH_INTERNALS = "torch-internals"

OWN_WORK_WHY = "the exercise is to implement this yourself, so replace it with your own code."
RULE_WHY = {
    EXEC: "graded code may not run code built from strings (exec, eval, compile), "
          "because the grader must be able to read every line it grades.",
    IMPORT: "graded code may not import modules by name (__import__, importlib); write a plain import statement.",
    GRADER: "graded code may not import the grader's own package, which is not part of the exercise.",
    REFLECTION: "graded code may not look up or change the attributes of modules and classes by name "
                "(getattr, setattr, vars, __dict__, globals); write the attribute out, e.g. torch.relu.",
    MONKEYPATCH: "graded code may not replace functions, methods or classes of imported modules, "
                 "because that changes what every other function and every test sees.",
    INTROSPECTION: "graded code may not reach into the internals of functions, classes and modules "
                   "(__wrapped__, __globals__, __code__, __closure__, __builtins__, __subclasses__, ...).",
    GC: "graded code may not look through the garbage collector's objects (gc.get_objects, gc.get_referrers), "
        "which reach objects that belong to the grader.",
    CTYPES: "graded code may not use ctypes, which reads and writes the interpreter's memory directly.",
    FRAMES: "graded code may not inspect the call stack, frames or loaded modules, nor install tracing hooks "
            "(inspect, sys._getframe, sys.settrace, sys.setprofile, sys.modules), "
            "because a function must behave the same whoever calls it.",
    CONCURRENCY: "graded code may not start threads, processes, signal handlers or exit hooks, "
                 "because work that runs outside the call cannot be graded as part of it.",
    TORCH_INTERNALS: "graded code may not use torch's internals (torch._C, torch._VF, torch.ops, torch.library); "
                     "use torch's public functions.",
}

USES = "{names} {verb} {what}{where} ({place}): {why}"
HANDS_ON = ("{names} {verb} the module {module} to other code{where} ({place}), "
            "which lets that code call {what} without naming it: {why}")
AT_LOAD = ("Code that runs when the file is loaded uses {what}{where} ({place}), "
           "so it can change every graded function and costs all of them: {why}")
IN_HOLDER = " in `{holder}`"
THROUGH_HOLDER = " through `{holder}`"
THROUGH_MODULE = " through module-level code"
PLACE = "{filename}, line {line}"

# Namespaces whose every routine does an exercise's work: a banned routine under one bans all
# of it (torch.optim's private kernels and schedulers, every scikit-learn splitter).
BANNED_NAMESPACES = ("torch.optim", "sklearn.model_selection")
# Prefixes torch gives other spellings of a routine (torch.native_dropout, _single_tensor_adam).
SPELLING_PREFIXES = ("native_", "single_tensor_", "multi_tensor_", "fused_")

# Dotted paths and the rule their use breaks; a trailing "*" matches any name starting so.
RULE_PATHS = (
    ("builtins.exec", EXEC), ("builtins.eval", EXEC), ("builtins.compile", EXEC),
    ("types.FunctionType", EXEC), ("types.CodeType", EXEC), ("types.LambdaType", EXEC),
    ("runpy", EXEC), ("code", EXEC), ("codeop", EXEC), ("marshal.load*", EXEC),
    ("pickle.load*", EXEC), ("pickle.Unpickler", EXEC),
    ("builtins.__import__", IMPORT), ("importlib", IMPORT), ("imp", IMPORT), ("pkgutil", IMPORT),
    ("zipimport", IMPORT), ("sys.meta_path", IMPORT), ("sys.path_hooks", IMPORT),
    ("builtins.globals", REFLECTION), ("builtins.getattr", REFLECTION), ("builtins.setattr", REFLECTION),
    ("builtins.delattr", REFLECTION), ("builtins.vars", REFLECTION),
    ("operator.attrgetter", REFLECTION), ("operator.methodcaller", REFLECTION),
    ("gc.get_objects", GC), ("gc.get_referrers", GC), ("gc.get_referents", GC), ("gc.callbacks", GC),
    ("gc.garbage", GC), ("ctypes", CTYPES), ("_ctypes", CTYPES), ("cffi", CTYPES),
    ("inspect", FRAMES), ("sys._getframe", FRAMES), ("sys._current_frames", FRAMES), ("sys.settrace", FRAMES),
    ("sys.setprofile", FRAMES), ("sys.gettrace", FRAMES), ("sys.getprofile", FRAMES), ("sys.monitoring", FRAMES),
    ("sys.addaudithook", FRAMES), ("sys.modules", FRAMES), ("threading.settrace*", FRAMES),
    ("threading.setprofile*", FRAMES), ("traceback.walk_*", FRAMES), ("traceback.extract_stack", FRAMES),
    ("traceback.format_stack", FRAMES), ("traceback.print_stack", FRAMES), ("pdb", FRAMES), ("bdb", FRAMES),
    ("torch.nn.modules.module.register_module_*", FRAMES),
    ("threading", CONCURRENCY), ("_thread", CONCURRENCY), ("multiprocessing", CONCURRENCY),
    ("concurrent", CONCURRENCY), ("subprocess", CONCURRENCY), ("_posixsubprocess", CONCURRENCY),
    ("asyncio", CONCURRENCY), ("signal", CONCURRENCY), ("atexit", CONCURRENCY), ("pty", CONCURRENCY),
    ("weakref.finalize", CONCURRENCY), ("os.fork*", CONCURRENCY), ("os.system", CONCURRENCY),
    ("os.popen", CONCURRENCY), ("os.exec*", CONCURRENCY), ("os.spawn*", CONCURRENCY),
    ("os.posix_spawn*", CONCURRENCY), ("os.kill*", CONCURRENCY), ("os.register_at_fork", CONCURRENCY),
    ("torch.multiprocessing", CONCURRENCY), ("torch.jit.fork", CONCURRENCY), ("torch.jit._fork", CONCURRENCY),
    ("torch.ops", TORCH_INTERNALS), ("torch.library", TORCH_INTERNALS), ("torch.overrides", TORCH_INTERNALS),
)
GRADER_PACKAGE = "autograder"
CLASS_OF = "type(...)"  # the path of `type(x)` and `x.__class__`: some class, perhaps the grader's
# Attributes that reach into functions, classes and modules, read or stored on any object.
INTROSPECTED = frozenset({
    "__wrapped__", "__closure__", "__globals__", "__code__", "__builtins__", "__subclasses__", "__func__",
    "__self__", "__defaults__", "__kwdefaults__", "__mro__", "__bases__", "__base__", "__traceback__",
    "__loader__", "__spec__", "__reduce__", "__reduce_ex__",
})
INTROSPECTED_NAMES = frozenset({"__builtins__", "__loader__", "__spec__"})
FRAME_ATTRIBUTES = frozenset({
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace", "tb_frame", "tb_next",
    "gi_frame", "cr_frame", "ag_frame",
})
# Stored on any object, these change what the object is or does.
REPLACED_ATTRIBUTES = INTROSPECTED | {"__class__", "__dict__"}
# Module attributes that hold settings and may take any value, e.g. `cudnn.deterministic = flag`.
SETTINGS = frozenset({
    "torch.backends.cudnn.deterministic", "torch.backends.cudnn.benchmark", "torch.backends.cudnn.enabled",
    "torch.backends.cudnn.allow_tf32", "torch.backends.cuda.matmul.allow_tf32",
})
# Methods that change a container in place: `OPS.update(drop=F.dropout)` binds what OPS holds.
MUTATING_METHODS = frozenset({"append", "extend", "insert", "update", "setdefault", "add", "__setitem__",
                              "appendleft", "extendleft"})
# Decorators that never call what they wrap, so the body does not run when the file is loaded.
INERT_DECORATORS = frozenset({
    "builtins.staticmethod", "builtins.classmethod", "builtins.property", "functools.wraps",
    "functools.lru_cache", "functools.cache", "functools.cached_property", "dataclasses.dataclass",
    "abc.abstractmethod", "typing.overload", "torch.no_grad", "torch.inference_mode", "torch.enable_grad",
})

# getattr-like callables: (stores?, arguments of the bound form `target.__getattr__(name)`)
_LOOKUPS = {"getattr": (False, 1), "hasattr": (False, 1), "setattr": (True, 2), "delattr": (True, 1)}
_DUNDER_LOOKUPS = {"__getattribute__": (False, 1), "__getattr__": (False, 1),
                   "__setattr__": (True, 2), "__delattr__": (True, 1)}
_PATH_CALLS = frozenset({"getattr", "__getattribute__", "__getattr__", "import_module", "__import__", "type"})
_PLAIN_DATA = (
    ast.Constant, ast.JoinedStr, ast.FormattedValue, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp,
    ast.BinOp, ast.BoolOp, ast.Compare, ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPE_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                          ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})
_TRY = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
_BUILTINS = frozenset(dir(builtins))
_RULES_BY_ROOT: dict[str, list] = {}
for _prefix, _rule in RULE_PATHS:
    _RULES_BY_ROOT.setdefault(_prefix.split(".")[0], []).append((_prefix, _rule))
# Children that can hold no name, call or store: not worth a visit.
_LEAF_TYPES = frozenset(kind for base in (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
                        for kind in base.__subclasses__()) | {ast.Constant}
_ROLE_TYPES = frozenset({
    ast.Attribute, ast.Call, ast.keyword, ast.Starred, ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Tuple,
    ast.List, ast.Set, ast.Dict, ast.Assign, ast.NamedExpr, ast.IfExp, ast.BoolOp,
})
_BINDING_TYPES = frozenset({
    ast.Name, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler, ast.MatchAs, ast.MatchStar,
    ast.MatchMapping, ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.NamedExpr,
})
_STRING_CHOICES = 64  # an attribute name built from more alternatives is left unknown
_PATH_CHOICES = 256  # an expression that can stand for more paths is left unknown, to bound the work

# The role of an expression in its parent, which decides what a dotted name there means.
_CHAIN = "chain"  # the value of an attribute: the parent names the longer path
_CALLEE = "callee"
_BOUND = "bound"  # assigned to a plain name or a parameter: an alias the analysis follows
_ESCAPE = "escape"  # handed to other code: an argument, a return value, an element
_ANNOTATION = "annotation"  # a type hint: names a type, calls nothing unless it holds a call
_OTHER = "other"


@dataclass(frozen=True)
class Violation:
    """One construct the policy rejects, where it is, and the graded names it costs."""

    rule: str
    sentence: str
    filename: str
    line: int
    charged: frozenset[str]


def check(chunks, graded: tuple[str, ...], banned: dict[str, tuple[str, ...]]) -> list[Violation]:
    """Return the violations in `chunks`, each once, so that grading can charge the names they cost.

    `graded` are the names the assignment grades; `banned` maps a graded name to the dotted
    names of the library routines it may not use (a name absent from it may use any).
    """
    module = _Module(chunks)
    reach = {name: module.reach(module.final_binders(name)) for name in graded}
    at_load = module.reach(module.load_roots(), every_binding=True)
    charges: dict[tuple, _Charge] = {}
    for name in graded:
        # Own work is judged on a name's own code and helpers: Dropout built on a dropout that delegates did
        # its own job, and dropout alone answers for the delegation.
        for unit in module.reach(module.final_binders(name), stop=set(graded) - {name}):
            for use in unit.uses:
                _charge_own_work(charges, name, unit, use, banned.get(name, ()))
    for unit in module.units:
        for finding in unit.findings:
            if finding.tampers and (finding.at_load or unit in at_load):
                _charge(charges, finding, unit, graded, everyone=True)
            else:
                _charge(charges, finding, unit, [name for name in graded if unit in reach[name]])
    return _violations(charges, graded)


@dataclass(eq=False)
class _Finding:
    """A construct at one node: the rule it breaks and the words that name it."""

    rule: str
    node: ast.AST
    what: str
    holder: str | None  # the definition holding it ("Dropout.forward"); None at module level
    at_load: bool = False
    tampers: bool = True
    module: str | None = None  # a module handed to other code; `what` is the routine it holds


@dataclass(eq=False)
class _Use:
    """The dotted paths an expression stands for, and how the expression is used."""

    node: ast.AST
    paths: frozenset[str]
    written: bool  # spelled at this node, not only inherited from an alias reported where it was made
    role: str
    holder: str | None


@dataclass(eq=False)
class _Unit:
    """A top-level definition or module-level statement: what it binds and what its code does."""

    chunk: object
    order: int
    roots: list  # the nodes to walk: a whole statement, or a compound statement's header
    binds: set[str]  # names its own statement binds
    sure: bool  # always binds them, so earlier bindings of its names are dead
    is_import: bool = False
    star: str | None = None  # the module of `from m import *`
    names: set[str] = field(default_factory=set)  # module-level names its code uses
    load_names: set[str] = field(default_factory=set)  # ... in the parts that run when the file loads
    global_binds: set[str] = field(default_factory=set)  # bound by `global x; x = ...` in its functions
    mutates: set[str] = field(default_factory=set)  # module-level names it changes in place
    findings: list = field(default_factory=list)
    uses: list = field(default_factory=list)


@dataclass(eq=False)
class _Charge:
    """A finding kept for one (place, rule), with the graded names it costs."""

    finding: _Finding
    unit: _Unit
    names: set[str] = field(default_factory=set)
    everyone: bool = False


class _Scope:
    """Names bound in one function, class, comprehension or the module, with what they stand for."""

    def __init__(self, kind: str, parent: "_Scope | None", names=()):
        self.kind, self.parent = kind, parent
        self.names, self.globals, self.nonlocals = set(names), set(), set()
        self.imported: dict[str, set[str]] = {}  # name -> paths, from imports (and builtins)
        self.assigned: dict[str, set[str]] = {}  # name -> paths, from assignments of dotted names
        self.strings: dict[str, set[str]] = {}  # name -> constant strings assigned to it
        self.stars: list[str] = []  # modules of `from m import *`

    def owner(self, name: str) -> "_Scope":
        """Return the scope a name used here resolves to, as Python's compiler decides it."""
        scope = self
        while True:
            if scope.kind == "module" or name in scope.globals:
                return scope.module()
            if name in scope.names and name not in scope.nonlocals:
                return scope
            scope = scope.parent
            while scope.kind == "class":  # methods do not see their class's names
                scope = scope.parent

    def module(self) -> "_Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


class _Module:
    """The submission's units, its module scope, and who binds each module-level name."""

    def __init__(self, chunks):
        """Parse every chunk, cut it into units, bind module-level names and walk each unit once."""
        self.units: list[_Unit] = []
        self.scope = _Scope("module", None)
        with_globals = set()  # few chunks declare globals: the others need no look for them
        for order, chunk in enumerate(chunks):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # warnings about student code are the child's to report
                    body = ast.parse(chunk.source, chunk.filename).body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue  # the loader refused or skipped it, so it never runs
            self._collect(chunk, order, body, conditional=False)
            if "global" in chunk.source:
                with_globals.add(order)
        self._bind_module_names(with_globals)
        for unit in self.units:
            _Walker(self.scope, unit).run()
        self.binders = self._binders()
        self.stars = [unit for unit in self.units if unit.star]
        self.finals: dict[tuple[str, bool], list[_Unit]] = {}

    def _collect(self, chunk, order: int, body: list, conditional: bool) -> None:
        """Make a unit of every module-level definition and simple statement, descending into blocks."""
        for node in body:
            if isinstance(node, ast.If) and _is_main_guard(node.test):
                self._collect(chunk, order, node.orelse, True)
            elif _blocks(node):
                header = _header(node)
                self.units.append(_Unit(chunk, order, header, _bound_names(header) | _handler_names(node), False))
                for block in _blocks(node):
                    self._collect(chunk, order, block, True)
            else:
                is_import = isinstance(node, (ast.Import, ast.ImportFrom))
                # A notebook chunk that raises is skipped and leaves earlier bindings alive.
                sure = not conditional and (not chunk.tolerant or _cannot_fail(node))
                star = node.module if is_import and any(a.name == "*" for a in node.names) else None
                self.units.append(_Unit(chunk, order, [node], _bound_names([node]), sure, is_import, star))

    def _bind_module_names(self, with_globals: set[int]) -> None:
        """Fill the module scope: every module-level name and the paths and strings it can stand for."""
        assignments = []
        for unit in self.units:
            self.scope.names |= unit.binds
            for root in unit.roots:
                if not isinstance(root, _DEFINITIONS):
                    for node in _same_scope_nodes(root):
                        _record_binding(self.scope, node, assignments)
            if unit.order in with_globals:
                for root in unit.roots:
                    assignments += [(self.scope, name, value) for name, value in _global_assignments(root)]
        for name in _BUILTINS - self.scope.names:
            self.scope.imported[name] = {f"builtins.{name}"}
        _resolve_assignments(assignments)

    def _binders(self) -> dict[str, list[_Unit]]:
        """Map each module-level name to the units that bind it or change it in place, in source order."""
        variables = {name for unit in self.units if not unit.is_import for name in unit.binds}
        binders: dict[str, list[_Unit]] = {}
        for unit in self.units:
            for name in unit.binds | unit.global_binds | (unit.mutates & variables):
                binders.setdefault(name, []).append(unit)
        return binders

    def final_binders(self, name: str, every_binding: bool = False) -> list[_Unit]:
        """Return the units whose binding of `name` a call made after loading can see."""
        if (name, every_binding) not in self.finals:
            self.finals[name, every_binding] = self._final_binders(name, every_binding)
        return self.finals[name, every_binding]

    def _final_binders(self, name: str, every_binding: bool) -> list[_Unit]:
        """Drop bindings a later one that always runs replaces; a star import binds what nothing else does."""
        found = []
        for unit in self.binders.get(name, []):
            if unit.sure and name in unit.binds and not every_binding:
                found = [u for u in found if name not in u.binds]
            found.append(unit)
        return found or (self.stars if name not in self.scope.names else [])

    def load_roots(self) -> list[_Unit]:
        """Return the units named by code that runs when the file is loaded."""
        return [binder for unit in self.units for name in unit.load_names
                for binder in self.final_binders(name, every_binding=True)]

    def reach(self, start: list[_Unit], every_binding: bool = False, stop=frozenset()) -> set[_Unit]:
        """Return the units code in `start` can run: a closure over the module-level names each uses, except
        the names in `stop`.

        Imports are not followed: what they bind is judged where it is used.
        """
        seen, names, stack = set(), set(stop), list(start)
        while stack:
            unit = stack.pop()
            if unit in seen:
                continue
            seen.add(unit)
            for name in unit.names - names:  # each name's binders once: linear in the source
                names.add(name)
                stack += [binder for binder in self.final_binders(name, every_binding) if not binder.is_import]
        return seen


class _Walker:
    """Walk one unit's code once, without recursion, recording names, paths and family-B findings."""

    def __init__(self, module_scope: _Scope, unit: _Unit):
        self.module_scope, self.unit = module_scope, unit
        self.stored: dict[int, ast.AST] = {}  # id(assignment target) -> the value stored there
        self.judged: set[int] = set()  # ids of expressions already judged whole

    def run(self) -> None:
        """Visit every node of the unit with its scope, role, load-time flag and holder, without recursion."""
        # An assignment or import is named after the name it binds (`_drop = partial(...)`).
        roots = self.unit.roots
        named = len(roots) == 1 and isinstance(roots[0], (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom))
        holder = min(self.unit.binds) if named and len(self.unit.binds) == 1 else None
        stack = [(root, self.module_scope, _OTHER, True, holder) for root in roots]
        while stack:
            node, scope, role, at_load, holder = stack.pop()
            try:
                self._visit(node, scope, role, at_load, holder)
                stack += self._children(node, scope, role, at_load, holder)
            except RecursionError:
                continue  # an expression nested past Python's own limits names nothing we can follow

    def _visit(self, node, scope, role, at_load, holder) -> None:
        visitor = _VISITORS.get(type(node))
        if visitor:
            visitor(self, node, scope, role, at_load, holder)

    def _visit_attribute(self, node, scope, role, at_load, holder) -> None:
        if isinstance(node.ctx, ast.Load):
            self._attribute_name(node.value, node.attr, node, scope, at_load, holder)
            self._dotted(node, scope, role, at_load, holder)
        else:
            self._store(node, scope, at_load, holder)

    def _visit_call(self, node, scope, role, at_load, holder) -> None:
        self._call(node, scope, at_load, holder)
        self._dotted(node, scope, role, at_load, holder)

    def _visit_subscript(self, node, scope, role, at_load, holder) -> None:
        if isinstance(node.ctx, ast.Load):
            self._dotted(node, scope, role, at_load, holder)
        else:
            self._mutates(node, scope)  # TABLE["key"] = value

    def _visit_assignment(self, node, scope, role, at_load, holder) -> None:
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            self.stored[id(target)] = node.value

    def _visit_import(self, node, scope, role, at_load, holder) -> None:
        self._import(node, at_load, holder)

    def _visit_compare(self, node, scope, role, at_load, holder) -> None:
        if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            self._membership(node, scope, at_load, holder)

    def _visit_expression_statement(self, node, scope, role, at_load, holder) -> None:
        func = getattr(node.value, "func", None)
        if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
            self._mutates(func, scope)  # REGISTRY.append(F.dropout): changed in place

    def _name(self, node, scope, role, at_load, holder) -> None:
        """Record a module-level name used or bound (by `global`), then judge what it stands for."""
        if node.id in INTROSPECTED_NAMES:
            self._find(INTROSPECTION, node, node.id, at_load, holder)
        is_global = scope.owner(node.id).kind == "module"
        if not isinstance(node.ctx, ast.Load):
            if is_global and scope.kind != "module":
                self.unit.global_binds.add(node.id)  # `global x; x = ...`
            return
        if is_global:
            self.unit.names.add(node.id)
            if at_load:
                self.unit.load_names.add(node.id)
        self._dotted(node, scope, role, at_load, holder)

    def _attribute_name(self, target, attr, node, scope, at_load, holder) -> None:
        """Find what reading `target.attr` breaks by the attribute's name, or with its target."""
        if attr in FRAME_ATTRIBUTES:
            self._find(FRAMES, node, attr, at_load, holder)
        elif attr in INTROSPECTED:
            self._find(INTROSPECTION, node, attr, at_load, holder)
        elif attr == "__dict__" and _library_or_class(target, scope):
            self._find(REFLECTION, node, f"__dict__ of {_describe(target, scope)}", at_load, holder)

    def _store(self, node: ast.Attribute, scope, at_load, holder) -> None:
        """Judge `target.attr = value` and `del target.attr`: replacing a module's code is monkeypatching."""
        self._mutates(node, scope)
        value = self.stored.get(id(node))
        deleted = isinstance(node.ctx, ast.Del)
        if node.attr in REPLACED_ATTRIBUTES:
            self._find(INTROSPECTION, node, f"an assignment to {node.attr}", at_load, holder)
        elif node.attr in FRAME_ATTRIBUTES:
            self._find(FRAMES, node, node.attr, at_load, holder)
        elif _library_or_class(node.value, scope) and (deleted or not _is_setting(node.value, node.attr, value, scope)):
            words = "del" if deleted else "an assignment to"
            self._find(MONKEYPATCH, node, f"{words} {_describe(node.value, scope)}.{node.attr}", at_load, holder)

    def _call(self, node: ast.Call, scope, at_load, holder) -> None:
        """Judge getattr-like calls by their target, and vars() of a module or class."""
        callee = _paths(node.func, scope)
        if "builtins.vars" in callee and len(node.args) == 1 and _library_or_class(node.args[0], scope):
            self._find(REFLECTION, node, f"vars() of {_describe(node.args[0], scope)}", at_load, holder)
        lookup = _lookup_parts(node, scope)
        if lookup is None:
            return
        target, name, value, stores, how = lookup
        if stores:
            self._mutates(target, scope, whole=True)  # setattr(Dropout, "forward", f) changes Dropout
        names = _strings(name, scope)
        for constant in names:
            if constant in FRAME_ATTRIBUTES or constant in INTROSPECTED or constant == "__dict__":
                self._attribute_name(target, constant, node, scope, at_load, holder)
        if not _library_or_class(target, scope):
            return
        what = f"{how} on {_describe(target, scope)}"
        if not stores:
            self._find(REFLECTION, node, what, at_load, holder, tampers=not names)
        elif not names or not all(_is_setting(target, constant, value, scope) for constant in names):
            self._find(MONKEYPATCH, node, what, at_load, holder)

    def _membership(self, node: ast.Compare, scope, at_load, holder) -> None:
        """Find `"name" in sys.modules`: a look at loaded modules that changes nothing."""
        for side in [node.left, *node.comparators]:
            if "sys.modules" in _paths(side, scope):
                self._find(FRAMES, side, "sys.modules", at_load, holder, tampers=False)
                self.judged.add(id(side))

    def _dotted(self, node, scope, role, at_load, holder) -> None:
        """Record the paths an expression stands for, and find the family-B rules they break."""
        if role in (_CHAIN, _ANNOTATION) or id(node) in self.judged:
            return
        paths = _paths(node, scope)
        if not paths:
            return
        written = not isinstance(node, ast.Name) or bool(_name_paths(node, scope, imported_only=True))
        self.unit.uses.append(_Use(node, frozenset(paths), written, role, holder))
        if not written:
            return  # an alias: the line that made it is reported
        for path in sorted(paths):
            rule = _rule_for(path)
            if role == _CALLEE and (path.removeprefix("builtins.") in _LOOKUPS or path == "builtins.vars"):
                rule = None  # judged on its target by _call
            elif isinstance(node, ast.Call) and _in_package(path, GRADER_PACKAGE):
                rule = GRADER
            if rule:
                self._find(rule, node, path.removeprefix("builtins."), at_load, holder)
                return

    def _import(self, node, at_load, holder) -> None:
        """Find imports of the grader's package; record what each name imported from a module is."""
        modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if not getattr(node, "level", 0):
            for module in modules:
                if _in_package(module, GRADER_PACKAGE):
                    self._find(GRADER, node, module, at_load, holder)
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            paths = frozenset(f"{node.module}.{alias.name}" for alias in node.names)
            self.unit.uses.append(_Use(node, paths, True, _BOUND, holder))

    def _mutates(self, node, scope, whole: bool = False) -> None:
        """Note that this unit changes, in place, the module-level value under `node` (or `node` itself)."""
        root = node
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if isinstance(root, ast.Name) and (whole or root is not node) and scope.owner(root.id).kind == "module":
            self.unit.mutates.add(root.id)

    def _find(self, rule, node, what, at_load, holder, tampers=True) -> None:
        self.unit.findings.append(_Finding(rule, node, what, holder, at_load, tampers))

    def _children(self, node, scope, role, at_load, holder) -> list:
        """Return (child, scope, role, at_load, holder) for each child, opening scopes as Python does."""
        if type(node) not in _SCOPE_TYPES:
            roles = _child_roles(node, role)
            return [(child, scope, roles.get(id(child), _OTHER), at_load, holder)
                    for child in ast.iter_child_nodes(node) if type(child) not in _LEAF_TYPES]
        outside, inside = _split_scope(node)
        if isinstance(node, _DEFINITIONS):  # its decorators, defaults and bases are part of it too
            holder = f"{holder}.{node.name}" if holder else node.name
        roles = {id(default): _BOUND for default in _defaults(node)}
        roles.update({id(annotation): _ANNOTATION for annotation in _annotations(node)})
        children = [(child, scope, roles.get(id(child), _OTHER), at_load, holder) for child in outside]
        for decorator in getattr(node, "decorator_list", ()):
            for argument in getattr(decorator, "args", []) + [kw.value for kw in getattr(decorator, "keywords", [])]:
                self._mutates(argument, scope, whole=True)  # @add_to_class(Dropout) adds to Dropout
        if isinstance(node, _FUNCTIONS):
            at_load = at_load and _called_by_decorator(node, scope)
        if isinstance(node, ast.Lambda):
            at_load = False
        # What a lambda or a comprehension produces is handed on, like a return value.
        produced = {id(part) for part in _produced(node)}
        body_scope = _open_scope(node, scope)
        return children + [(child, body_scope, _ESCAPE if id(child) in produced else _OTHER, at_load, holder)
                           for child in inside]


_VISITORS = {
    ast.Name: _Walker._name, ast.Attribute: _Walker._visit_attribute, ast.Call: _Walker._visit_call,
    ast.Subscript: _Walker._visit_subscript, ast.Assign: _Walker._visit_assignment,
    ast.AugAssign: _Walker._visit_assignment, ast.AnnAssign: _Walker._visit_assignment,
    ast.Import: _Walker._visit_import, ast.ImportFrom: _Walker._visit_import,
    ast.Compare: _Walker._visit_compare, ast.Expr: _Walker._visit_expression_statement,
}


# ----------------------------------------------------------------- charging and sentences


def _charge_own_work(charges, name: str, unit: _Unit, use: _Use, banned) -> None:
    """Charge `name` for using a banned routine, or for handing a module that holds one to other code."""
    if not banned or (isinstance(use.node, ast.ImportFrom) and not unit.is_import):
        return  # a name imported inside a function is judged where it is used
    for path in sorted(use.paths):
        path = path.replace(".*", "." + name) if isinstance(use.node, ast.ImportFrom) else path
        routine = _banned_routine(path, banned)
        if routine and use.written:
            _charge(charges, _Finding(OWN_WORK, use.node, path, use.holder), unit, [name])
            return
        held = next((r for r in banned if r.startswith(path + ".")), None)
        if held and use.role == _ESCAPE:
            _charge(charges, _Finding(OWN_WORK, use.node, held, use.holder, module=path), unit, [name])
            return


def _banned_routine(path: str, banned) -> str | None:
    """Return the banned routine `path` stands for: itself, what lies under it, or another spelling.

    `torch.ops.aten.native_dropout` and `torch.nn.modules.dropout.Dropout` spell
    torch.nn.functional.dropout: same top-level package, a part with the routine's name.
    """
    parts = path.split(".")
    spelled = {_spelling(part) for part in parts[1:]}
    for routine in banned:
        if _in_package(path, routine):
            return routine
        if any(_in_package(path, space) for space in BANNED_NAMESPACES if _in_package(routine, space)):
            return routine
        if parts[0] == routine.split(".")[0] and _spelling(routine.rsplit(".", 1)[-1]) in spelled:
            return routine
    return None


def _spelling(name: str) -> str:
    """Reduce a routine's name to what all its spellings share: `_single_tensor_adam` -> `adam`."""
    name = name.lower().strip("_")
    for prefix in SPELLING_PREFIXES:
        name = name.removeprefix(prefix)
    return name


def _rule_for(path: str) -> str | None:
    """Return the family-B rule a use of the dotted path breaks, if any."""
    parts = path.split(".")
    for prefix, rule in _RULES_BY_ROOT.get(parts[0], ()):
        if path.startswith(prefix[:-1]) if prefix.endswith("*") else _in_package(path, prefix):
            return rule
    if parts[0] == "torch" and any(p.startswith("_") and not p.startswith("__") for p in parts[1:]):
        return TORCH_INTERNALS
    return None


def _in_package(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def _charge(charges, finding: _Finding, unit: _Unit, names, everyone: bool = False) -> None:
    """Merge a charge into the one kept per (place, rule), so that each violation is reported once."""
    if not names and not everyone:
        return
    key = (unit.order, _line(finding.node, unit.chunk), finding.rule)
    charge = charges.setdefault(key, _Charge(finding, unit))
    if _column(finding.node) < _column(charge.finding.node):
        charge.finding, charge.unit = finding, unit  # name what the line shows first
    charge.names.update(names)
    charge.everyone |= everyone


def _violations(charges, graded) -> list[Violation]:
    """Turn charges into violations; a family-B finding on a line already charged as own work is not repeated."""
    own_work = {(order, line): charge.names for (order, line, rule), charge in charges.items() if rule == OWN_WORK}
    violations = []
    for (order, line, rule), charge in sorted(charges.items(), key=lambda item: item[0]):
        if charge.everyone:
            names = set(graded)
        elif rule == OWN_WORK:
            names = charge.names
        else:
            names = charge.names - own_work.get((order, line), set())
        if names:
            sentence = _sentence(charge, [name for name in graded if name in names], line)
            violations.append(Violation(rule, sentence, charge.unit.chunk.filename, line, frozenset(names)))
    return violations


def _sentence(charge: _Charge, names: list[str], line: int) -> str:
    """Say what is not allowed, where, in which graded names, and why, in one sentence."""
    finding = charge.finding
    place = PLACE.format(filename=charge.unit.chunk.filename, line=line)
    why = OWN_WORK_WHY if finding.rule == OWN_WORK else RULE_WHY[finding.rule]
    holder = finding.holder
    if charge.everyone:
        where = IN_HOLDER.format(holder=holder) if holder else ""
        return AT_LOAD.format(what=finding.what, where=where, place=place, why=why)
    many = len(names) > 1
    binds_it = holder is None and (names[0] in charge.unit.binds or charge.unit.star)
    if not many and (binds_it or holder and holder.split(".")[0] == names[0]):  # in the name's own code
        where = IN_HOLDER.format(holder=holder) if holder != names[0] else ""
        verb = "hands" if finding.module else "uses"
    else:
        where = THROUGH_HOLDER.format(holder=holder) if holder else THROUGH_MODULE
        verb = ("hand" if many else "hands") if finding.module else ("reach" if many else "reaches")
    template = HANDS_ON if finding.module else USES
    return template.format(names=_join(names), verb=verb, what=finding.what, module=finding.module,
                           where=where, place=place, why=why)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _column(node) -> int:
    return getattr(node, "col_offset", 0)


def _line(node, chunk) -> int:
    return getattr(node, "lineno", 1) + chunk.first_line - 1


def _describe(node, scope) -> str:
    """Name the target of a reflection for a sentence: its dotted path, or its source."""
    paths = _paths(node, scope)
    if paths:
        return sorted(paths)[0].removeprefix("builtins.")
    try:
        return ast.unparse(node)[:60]
    except (ValueError, RecursionError, AttributeError):
        return "an object"


# ----------------------------------------------------------------- what an expression stands for


def _paths(node, scope) -> set[str]:
    """Return the dotted paths an expression can stand for (`F.dropout` -> torch.nn.functional.dropout)."""
    found, pending = set(), [(node, "")]
    while pending:
        node, suffix = pending.pop()
        while isinstance(node, ast.Attribute) and node.attr != "__class__":
            suffix, node = f".{node.attr}{suffix}", node.value
        if isinstance(node, ast.Attribute):  # x.__class__
            base = {CLASS_OF}
        elif isinstance(node, ast.Name):
            base = _name_paths(node, scope)
        elif isinstance(node, ast.Call):
            base = _call_paths(node, scope)
        elif isinstance(node, ast.Subscript):
            base = _subscript_paths(node, scope)
        else:
            if isinstance(node, ast.IfExp):
                pending += [(node.body, suffix), (node.orelse, suffix)]
            elif isinstance(node, ast.BoolOp):
                pending += [(value, suffix) for value in node.values]
            elif isinstance(node, ast.NamedExpr):
                pending.append((node.value, suffix))
            continue
        found |= {path + suffix for path in base}
    return found if len(found) <= _PATH_CHOICES else set()


def _name_paths(node: ast.Name, scope, imported_only: bool = False) -> set[str]:
    """Return what a name stands for: its imports (builtins, `from m import *`) and its aliases."""
    owner = scope.owner(node.id)
    paths = set(owner.imported.get(node.id, ()))
    if not imported_only:
        paths |= owner.assigned.get(node.id, set())
    if owner.kind == "module" and node.id not in owner.names:
        paths |= {f"{star}.{node.id}" for star in owner.stars}
    return paths


def _lookup_parts(node: ast.Call, scope):
    """Split a getattr-like call into (target, name, value, stores, how), or None for other calls.

    Covers getattr/hasattr/setattr/delattr, `object.__getattribute__(target, name)` and
    `target.__getattribute__(name)` (and the __getattr__, __setattr__, __delattr__ forms).
    """
    args = node.args
    if any(isinstance(arg, ast.Starred) for arg in args):
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _DUNDER_LOOKUPS:
        stores, bound = _DUNDER_LOOKUPS[func.attr]
        target, rest, how = (args[0], args[1:], func.attr) if len(args) > bound else (func.value, args, func.attr)
    else:
        kind = next((p[len("builtins."):] for p in _paths(func, scope)
                     if p.startswith("builtins.") and p[len("builtins."):] in _LOOKUPS), None)
        if kind is None or not args:
            return None
        (stores, _), target, rest, how = _LOOKUPS[kind], args[0], args[1:], kind
    name = rest[0] if rest else None
    value = rest[1] if stores and len(rest) > 1 else None
    return target, name, value, stores, how


def _call_paths(node: ast.Call, scope) -> set[str]:
    """Resolve getattr(X, "a"), X.__getattribute__("a"), import_module("m"), attrgetter("a")(X)."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name == "type" and len(node.args) == 1 and not node.keywords and "builtins.type" in _paths(func, scope):
        return {CLASS_OF}
    if name in _PATH_CALLS:
        lookup = _lookup_parts(node, scope)
        if lookup and not lookup[3]:
            target, attribute = lookup[0], lookup[1]
            return {f"{path}.{s}" for path in _paths(target, scope) for s in _strings(attribute, scope)}
        importer = _paths(func, scope) & {"builtins.__import__", "importlib.import_module", "importlib.__import__"}
        if node.args and importer:
            modules = _strings(node.args[0], scope)
            if importer == {"importlib.import_module"}:
                return modules
            return modules | {module.split(".")[0] for module in modules}  # without fromlist: the package
    elif isinstance(func, ast.Call) and node.args and func.args and "operator.attrgetter" in _paths(func.func, scope):
        return {f"{path}.{s}" for path in _paths(node.args[0], scope) for s in _strings(func.args[0], scope)}
    return set()


def _subscript_paths(node: ast.Subscript, scope) -> set[str]:
    """Resolve vars(X)["a"], X.__dict__["a"] and sys.modules["m"]."""
    keys = _strings(node.slice, scope)
    value = node.value
    if not keys:
        return set()
    if isinstance(value, ast.Attribute) and value.attr == "__dict__":
        return {f"{path}.{key}" for path in _paths(value.value, scope) for key in keys}
    if isinstance(value, ast.Call) and "builtins.vars" in _paths(value.func, scope) and value.args:
        return {f"{path}.{key}" for path in _paths(value.args[0], scope) for key in keys}
    return set(keys) if "sys.modules" in _paths(value, scope) else set()


def _strings(node, scope) -> set[str]:
    """Return the constant strings an expression can be: literals, `"a" + "b"`, f-strings, names bound to them."""
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) else set()
    if isinstance(node, ast.Name):
        return set(scope.owner(node.id).strings.get(node.id, ()))
    if isinstance(node, ast.JoinedStr) and all(isinstance(value, ast.Constant) for value in node.values):
        return {"".join(str(value.value) for value in node.values)}
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
        return set()
    operands = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        operands.append(node.right)
        node = node.left
    found = {""}
    for operand in [node, *reversed(operands)]:
        choices = set() if isinstance(operand, ast.BinOp) else _strings(operand, scope)
        found = {start + choice for start in found for choice in choices}
        if not found or len(found) > _STRING_CHOICES:
            return set()
    return found


def _library_or_class(node, scope) -> bool:
    """Tell whether an expression stands for a module, a library object or class, or an object's class."""
    return bool(_paths(node, scope))


def _is_setting(target, attr: str, value, scope) -> bool:
    """Tell whether `target.attr = value` sets a module's setting rather than replacing its code.

    A setting is a listed one, or plain data stored on a module (not on builtins or a class).
    """
    paths = _paths(target, scope)
    if paths and all(f"{path}.{attr}" in SETTINGS for path in paths):
        return True
    plain = value is not None and all(isinstance(part, _PLAIN_DATA) for part in ast.walk(value))
    on_module = not any(_in_package(path, "builtins") or path.startswith(CLASS_OF)
                        or any(part[:1].isupper() for part in path.split(".")) for path in paths)
    return plain and on_module and not attr.startswith("__")


# ----------------------------------------------------------------- scopes


def _open_scope(node, parent: _Scope) -> _Scope:
    """Create the scope a function, lambda, class or comprehension body runs in, with its aliases."""
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        targets = [name for gen in node.generators for name in ast.walk(gen.target) if isinstance(name, ast.Name)]
        return _Scope("comprehension", parent, {name.id for name in targets})
    if isinstance(node, ast.ClassDef):
        scope = _Scope("class", parent)
    else:
        scope = _Scope("function", parent, _parameters(node.args))
    assignments = []
    for root in _split_scope(node)[1]:
        for child in _same_scope_nodes(root):
            if isinstance(child, ast.Global):
                scope.globals.update(child.names)
            elif isinstance(child, ast.Nonlocal):
                scope.nonlocals.update(child.names)
            _record_binding(scope, child, assignments)
    if not isinstance(node, ast.ClassDef):
        assignments += [(scope, arg, default) for arg, default in _parameter_defaults(node.args)]
    scope.names -= scope.globals
    _resolve_assignments([a for a in assignments if a[1] not in scope.globals])
    return scope


def _record_binding(scope: _Scope, node, assignments: list) -> None:
    """Note the names a node binds in `scope`, the imports among them, and assignments to follow."""
    if type(node) not in _BINDING_TYPES:
        return
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        scope.names.add(node.id)
    elif isinstance(node, _DEFINITIONS):
        scope.names.add(node.name)
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        scope.names.add(node.name)
    elif isinstance(node, ast.MatchMapping) and node.rest:
        scope.names.add(node.rest)
    elif isinstance(node, ast.Import):
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            scope.names.add(name)
            scope.imported.setdefault(name, set()).add(alias.name if alias.asname else name)
    elif isinstance(node, ast.ImportFrom):
        for alias in node.names:
            if alias.name == "*":
                scope.stars += [node.module] if node.module and not node.level else []
                continue
            name = alias.asname or alias.name
            scope.names.add(name)
            if node.module and not node.level:
                scope.imported.setdefault(name, set()).add(f"{node.module}.{alias.name}")
    elif isinstance(node, ast.Assign):
        assignments += [(scope, target.id, node.value) for target in node.targets if isinstance(target, ast.Name)]
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and isinstance(node.target, ast.Name) and node.value:
        assignments.append((scope, node.target.id, node.value))


def _resolve_assignments(assignments: list) -> None:
    """Give each assigned name the paths and strings of its values, following chains of aliases.

    Code runs in source order, so one pass follows every chain that can run; the extra passes
    follow chains through functions that assign globals.
    """
    for _ in range(3):
        changed = False
        for scope, name, value in assignments:
            try:
                paths, strings = _paths(value, scope), _strings(value, scope)
            except RecursionError:
                continue
            if not paths <= scope.assigned.get(name, set()) or not strings <= scope.strings.get(name, set()):
                scope.assigned.setdefault(name, set()).update(paths)
                scope.strings.setdefault(name, set()).update(strings)
                changed = True
        if not changed:
            return


def _global_assignments(root) -> list:
    """Return (name, value) of `global x; x = value` in the functions under `root`: module-level aliases."""
    found = []
    for function in (node for node in ast.walk(root) if isinstance(node, _FUNCTIONS)):
        nodes = [node for statement in function.body for node in _same_scope_nodes(statement)]
        declared = {name for node in nodes if isinstance(node, ast.Global) for name in node.names}
        found += [(target.id, node.value) for node in nodes if isinstance(node, ast.Assign)
                  for target in node.targets if isinstance(target, ast.Name) and target.id in declared]
    return found


def _split_scope(node) -> tuple[list, list]:
    """Split a scope-opening node's children into those evaluated outside its body and the body."""
    if isinstance(node, _FUNCTIONS):
        return node.decorator_list + _defaults(node) + _annotations(node), node.body
    if isinstance(node, ast.Lambda):
        return _defaults(node), [node.body]
    if isinstance(node, ast.ClassDef):
        return node.decorator_list + node.bases + node.keywords, node.body
    first, *rest = node.generators
    elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    inside = [first.target, *first.ifs] + [part for gen in rest for part in (gen.target, gen.iter, *gen.ifs)]
    return [first.iter], inside + elements


def _produced(node) -> list:
    """Return the expressions whose values a lambda or a comprehension produces."""
    if isinstance(node, ast.Lambda):
        return [node.body]
    if isinstance(node, ast.DictComp):
        return [node.key, node.value]
    return [node.elt] if hasattr(node, "elt") else []


def _same_scope_nodes(root):
    """Yield `root` and the nodes below it in the same scope: a nested scope gives only its outside parts."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if type(node) in _SCOPE_TYPES:
            stack += _split_scope(node)[0]
        else:
            stack += [child for child in ast.iter_child_nodes(node) if type(child) not in _LEAF_TYPES]


def _parameters(args: ast.arguments) -> set[str]:
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    return {arg.arg for arg in every}


def _parameter_defaults(args: ast.arguments) -> list:
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None]
    return [(arg.arg, default) for arg, default in pairs]


def _defaults(node) -> list:
    return [default for _, default in _parameter_defaults(node.args)] if hasattr(node, "args") else []


def _annotations(node) -> list:
    if not isinstance(node, _FUNCTIONS):
        return []
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    return [arg.annotation for arg in every if arg.annotation] + ([node.returns] if node.returns else [])


def _called_by_decorator(node, scope) -> bool:
    """Tell whether a decorator may call the function when it is defined (widgets.interact does)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not _paths(target, scope) & INERT_DECORATORS:
            return True
    return False


# ----------------------------------------------------------------- module-level statements


def _is_main_guard(test) -> bool:
    """Tell whether an `if` test is `__name__ == "__main__"`, whose body never runs in grading."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
            and any(isinstance(side, ast.Constant) and side.value == "__main__" for side in sides))


def _blocks(node) -> list:
    """Return the statement blocks of a compound statement; a simple statement has none."""
    if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        return [node.body, node.orelse]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [node.body]
    if isinstance(node, _TRY):
        return [node.body, *(handler.body for handler in node.handlers), node.orelse, node.finalbody]
    if isinstance(node, ast.Match):
        return [case.body for case in node.cases]
    return []


def _header(node) -> list:
    """Return the parts of a compound statement that run outside its blocks: tests, targets, items."""
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.target, node.iter]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return list(node.items)
    if isinstance(node, ast.Match):
        return [node.subject] + [part for case in node.cases for part in (case.pattern, case.guard) if part]
    return [handler.type for handler in node.handlers if handler.type]


def _handler_names(node) -> set[str]:
    return {handler.name for handler in node.handlers if handler.name} if isinstance(node, _TRY) else set()


def _bound_names(roots) -> set[str]:
    """Return the module-level names some statements or statement parts bind."""
    scope = _Scope("module", None)
    for root in roots:
        for node in _same_scope_nodes(root):
            _record_binding(scope, node, [])
    return scope.names


def _cannot_fail(node) -> bool:
    """Tell whether a notebook statement always binds its names: a definition with nothing that can raise.

    Decorators, computed defaults or bases, and class bodies doing more than defining could
    raise; the chunk would then be skipped and an earlier definition of the name stay.
    """
    if not isinstance(node, _DEFINITIONS) or node.decorator_list:
        return False
    outside = _split_scope(node)[0]
    simple = (ast.Constant, ast.Name, ast.Attribute, ast.Load, ast.keyword)
    if not all(isinstance(part, simple) for root in outside for part in ast.walk(root)):
        return False
    if isinstance(node, _FUNCTIONS):
        return True
    return all(_cannot_fail(statement) if isinstance(statement, _DEFINITIONS)
               else isinstance(statement, ast.Pass) or _is_docstring(statement) for statement in node.body)


def _is_docstring(statement) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _child_roles(node, role) -> dict[int, str]:
    """Map the children of `node` to their roles: part of a longer path, called, bound, handed on."""
    if role == _ANNOTATION and not isinstance(node, (ast.Attribute, ast.Call)):
        return {id(child): _ANNOTATION for child in ast.iter_child_nodes(node)}  # Optional[T], A | B
    if isinstance(node, ast.AnnAssign):
        roles = {id(node.annotation): _ANNOTATION}
        if node.value is not None:
            roles[id(node.value)] = _BOUND if isinstance(node.target, ast.Name) else _ESCAPE
        return roles
    if type(node) not in _ROLE_TYPES:
        return {}
    if isinstance(node, ast.Attribute):
        return {id(node.value): _CHAIN}
    if isinstance(node, ast.Call):
        return {id(node.func): _CALLEE, **{id(child): _ESCAPE for child in node.args + node.keywords}}
    if isinstance(node, (ast.keyword, ast.Starred)):
        return {id(node.value): role}
    if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await)):
        return {id(node.value): _ESCAPE} if node.value is not None else {}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {id(element): _ESCAPE for element in node.elts}
    if isinstance(node, ast.Dict):
        return {id(value): _ESCAPE for value in node.values}
    if isinstance(node, (ast.Assign, ast.NamedExpr)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {id(node.value): _BOUND if all(isinstance(t, ast.Name) for t in targets) else _ESCAPE}
    if isinstance(node, ast.IfExp):
        return {id(node.body): role, id(node.orelse): role}
    if isinstance(node, ast.BoolOp):
        return {id(value): role for value in node.values}
    return {}
