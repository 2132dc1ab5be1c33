"""Do-nothing variants of every graded name: code that runs but does not do the exercise.

Instructor-only fixture data for the project's tests. For each assignment, `VARIANTS[name]`
lists (kind, definition) pairs: the untouched stub, a body that returns None, its first
argument unchanged, zeros, or its inputs as if nothing happened. `submissions.mutations.with_mistakes`
splices one of them (or one of each kind for every name at once) into the reference, so a test
can check that such code earns nothing for the name it replaces.

The generic kinds are written out by `generic_variants` from each definition's signature; the
tables below add the do-nothing shapes particular to an exercise (an optimizer step that hands
back copies of its inputs, a split that returns the input as its training set).
"""
import ast

from submissions.mutations import Mistake

STUB = "raise NotImplementedError('Complete the {name} function')"


def generic_variants(reference_source: str, name: str) -> list[tuple[str, Mistake]]:
    """The stub, `return None`, the first argument unchanged and its zeros, as definitions of function `name`."""
    node = next(node for node in ast.parse(reference_source).body
                if isinstance(node, ast.FunctionDef) and node.name == name)
    first = node.args.args[0].arg
    bodies = {"stub": STUB.format(name=name), "returns None": "return None", "returns its input": f"return {first}",
              "returns zeros": f"return {first} * 0"}
    return [(kind, Mistake(name, _function(node, body))) for kind, body in bodies.items()]


def _function(node: ast.FunctionDef, body: str) -> str:
    """`def name(<the reference's parameters>):` with `body`."""
    return f"def {node.name}({ast.unparse(node.args)}):\n    {body}\n"


def _class(header: str, methods: dict[str, tuple[str, str]]) -> str:
    """A class whose methods have the given (parameters, body) pairs."""
    return header + "\n" + "".join(f"    def {method}(self, {parameters}):\n        {body}\n\n"
                                   for method, (parameters, body) in methods.items())


SPECIFIC = {
    "assignment1": {
        "loss": [("returns 0.0", Mistake("loss", "def loss(y_prediction, y_true):\n    return 0.0\n"))],
        "ShallowNarrowExercise": [
            ("stores the weights, never trains", Mistake("ShallowNarrowExercise", _class(
                "class ShallowNarrowExercise:", {
                    "__init__": ("init_weights", "self.w1, self.w2 = init_weights"),
                    "forward": ("x", "return x"),
                    "dloss_dw": ("x, y_true", "return 0.0, 0.0"),
                    "train": ("x, y_true, lr, n_ep",
                              "return np.zeros(n_ep), np.tile([self.w1, self.w2], (n_ep, 1))")}))),
            ("every method a stub", Mistake("ShallowNarrowExercise", _class(
                "class ShallowNarrowExercise:", {
                    "__init__": ("init_weights", "self.w1, self.w2 = init_weights"),
                    **{method: (parameters, STUB.format(name=method)) for method, parameters in (
                        ("forward", "x"), ("dloss_dw", "x, y_true"), ("train", "x, y_true, lr, n_ep"))}}))),
        ],
        "DeepNarrowLNN": [
            ("stores the weights, never trains", Mistake("DeepNarrowLNN", _class(
                "class DeepNarrowLNN:", {
                    "__init__": ("init_ws", "self.W = np.asarray(init_ws, dtype=float).reshape(1, -1)"),
                    "forward": ("x", "return x"),
                    "loss": ("y_t, y_p", "return 0.0"),
                    "dloss_dw": ("x, y_t, y_p", "return np.zeros_like(self.W)"),
                    "train": ("x, y_t, eta, n_epochs", "return np.zeros(n_epochs)")}))),
            ("every method a stub", Mistake("DeepNarrowLNN", _class(
                "class DeepNarrowLNN:", {
                    "__init__": ("init_ws", "self.W = np.asarray(init_ws, dtype=float).reshape(1, -1)"),
                    **{method: (parameters, STUB.format(name=method)) for method, parameters in (
                        ("forward", "x"), ("loss", "y_t, y_p"), ("dloss_dw", "x, y_t, y_p"),
                        ("train", "x, y_t, eta, n_epochs"))}}))),
        ],
    },
    "assignment2": {
        "l1_reg": [("returns a zero tensor", Mistake("l1_reg", "def l1_reg(model):\n    return torch.zeros(())\n"))],
        "l2_reg": [("returns a zero tensor", Mistake("l2_reg", "def l2_reg(model):\n    return torch.zeros(())\n"))],
        "Dropout": [
            ("identity forward", Mistake("Dropout", _class("class Dropout(nn.Module):", {
                "__init__": ("p=0.5", "super().__init__()\n        self.p = p"), "forward": ("x", "return x")}))),
            ("stub forward", Mistake("Dropout", _class("class Dropout(nn.Module):", {
                "__init__": ("p=0.5", "super().__init__()\n        self.p = p"),
                "forward": ("x", STUB.format(name="Dropout.forward"))}))),
        ],
        "regularized_loss": [("returns a zero tensor", Mistake(
            "regularized_loss", "def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):\n"
                                "    return torch.zeros(())\n"))],
    },
    "assignment3": {
        name: [("returns copies of its inputs", Mistake(name, f"def {signature}:\n    return {copies}\n"))]
        for name, signature, copies in (
            ("sgd_step", "sgd_step(theta, grad, lr)", "theta.copy()"),
            ("momentum_step", "momentum_step(theta, grad, velocity, lr, mu=0.9)", "theta.copy(), velocity.copy()"),
            ("adagrad_step", "adagrad_step(theta, grad, g_sum, lr=0.01, eps=1e-10)", "theta.copy(), g_sum.copy()"),
            ("rmsprop_step", "rmsprop_step(theta, grad, sq_avg, lr=0.01, alpha=0.99, eps=1e-8)",
             "theta.copy(), sq_avg.copy()"),
            ("adam_step", "adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)",
             "theta.copy(), m.copy(), v.copy()"),
        )
    },
    "assignment4": {
        "train_test_split": [("returns the input as the training set", Mistake(
            "train_test_split", "def train_test_split(data, labels, train_prop=0.8, seed=None):\n"
                                "    return data, data[:0], labels, labels[:0]\n"))],
        "train_dev_test_split": [("returns the input as the training set", Mistake(
            "train_dev_test_split", "def train_dev_test_split(data, labels, partitions=(0.8, 0.1, 0.1), seed=None):\n"
                                    "    return data, data[:0], data[:0], labels, labels[:0], labels[:0]\n"))],
        "kfold_indices": [("returns empty folds", Mistake(
            "kfold_indices", "def kfold_indices(n, k, seed=None):\n"
                             "    return [(np.arange(0), np.arange(0)) for _ in range(k)]\n"))],
    },
}


def variants(assignment: str, reference_source: str, functions) -> dict[str, list[tuple[str, Mistake]]]:
    """Every do-nothing variant of each graded name: the generic kinds for functions, then the table's."""
    functions_defined = {node.name for node in ast.parse(reference_source).body if isinstance(node, ast.FunctionDef)}
    return {name: (generic_variants(reference_source, name) if name in functions_defined else [])
            + SPECIFIC.get(assignment, {}).get(name, [])
            for name in functions}
