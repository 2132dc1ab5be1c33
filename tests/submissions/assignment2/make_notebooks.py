"""Write the assignment-2 notebook fixtures into notebooks/ (run once; the outputs are committed).

    .venv/bin/python tests/submissions/assignment2/make_notebooks.py

Each fixture is something a student might upload instead of a clean stub:

- correct_with_training_loop.ipynb: correct answers spread over cells, among a
  line magic, a shell escape, a `%%time` cell, a download, a plot and a training
  loop that never ends. The grader must take the definitions and run nothing else.
- broken_cell.ipynb: correct answers, plus one cell that does not parse and one
  cell that defines l2_reg and then calls it on a name that was never defined.
- not_a_notebook.ipynb: an HTML page saved under the notebook's name (not JSON).
- empty.ipynb: a valid notebook without cells.

Cell ids are "cell-<index>" and nothing depends on the clock, so rerunning the
script rewrites the same bytes.
"""

from pathlib import Path

import nbformat

OUT_DIR = Path(__file__).resolve().parent / "notebooks"

METADATA = {
    "colab": {"provenance": []},
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}

IMPORTS = """\
import random
import urllib.request

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F"""

SET_SEED = '''\
def set_seed(seed=None, seed_torch=True):
  """
  Function that controls randomness. NumPy and random modules must be imported.
  """
  if seed is None:
    seed = np.random.choice(2 ** 32)
  random.seed(seed)
  np.random.seed(seed)
  if seed_torch:
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.cuda.manual_seed(seed)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True

  print(f'Random seed {seed} has been set.')


SEED = 2021
set_seed(seed=SEED)'''

L1_REG = '''\
def l1_reg(model):
  """L1 norm of all the parameters of the model (weights and biases)."""
  l1 = torch.tensor(0.)
  for param in model.parameters():
    l1 = l1 + torch.norm(param, 1)
  return l1'''

L2_REG = '''\
def l2_reg(model):
  """Sum of the squares of all the parameters (no square root!)."""
  l2 = torch.tensor(0.)
  for name, param in model.named_parameters():
    l2 += (param ** 2).sum()
  return l2'''

REGULARIZED_LOSS = '''\
def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
  loss = criterion(output, target)
  if lambda1:
    loss = loss + lambda1 * l1_reg(model)
  if lambda2:
    loss = loss + lambda2 * l2_reg(model)
  return loss'''

DROPOUT = '''\
def dropout(x, p, training=True):
  if p < 0 or p > 1:
    raise ValueError(f"p must be between 0 and 1, got {p}")
  if not training or p == 0:
    return x
  if p == 1:
    return torch.zeros_like(x)
  keep = torch.bernoulli(torch.full_like(x, 1 - p))
  return keep * x / (1 - p)'''

DROPOUT_CLASS = '''\
class Dropout(nn.Module):
  def __init__(self, p=0.5):
    super().__init__()
    self.p = p

  def forward(self, x):
    return dropout(x, self.p, self.training)'''

TRAINING_SETUP = '''\
class AnimalNetDropout(nn.Module):
  def __init__(self):
    super().__init__()
    self.fc1 = nn.Linear(3*32*32, 248)
    self.fc2 = nn.Linear(248, 210)
    self.fc3 = nn.Linear(210, 3)
    self.dropout1 = Dropout(p=0.5)
    self.dropout2 = Dropout(p=0.3)

  def forward(self, x):
    x = x.view(x.shape[0], -1)
    x = F.leaky_relu(self.dropout1(self.fc1(x)))
    x = F.leaky_relu(self.dropout2(self.fc2(x)))
    return F.log_softmax(self.fc3(x), dim=1)


model = AnimalNetDropout()
optimizer = torch.optim.SGD(model.parameters(), lr=5e-3, momentum=0.9)
train_losses = []


def train_one_epoch():
  model.train()
  data, target = torch.randn(128, 3, 32, 32), torch.randint(0, 3, (128,))
  optimizer.zero_grad()
  loss = regularized_loss(model(data), target, model, F.nll_loss, lambda1=1e-3, lambda2=1e-3)
  loss.backward()
  optimizer.step()
  train_losses.append(loss.item())'''

CORRECT_WITH_TRAINING_LOOP = [
    ("markdown", "# Assignment 2: Regularization\n\nName: Ada Student"),
    ("code", "!pip install torchsummary --quiet"),
    ("code", "%matplotlib inline\n" + IMPORTS),
    ("code", SET_SEED, "Random seed 2021 has been set.\n"),
    ("markdown", "## Exercise 1.1: L1"),
    ("code", L1_REG),
    ("code", "net = nn.Linear(20,20); print(l1_reg(net))",
     "tensor(48.4451, grad_fn=<AddBackward0>)\n"),
    ("markdown", "## Exercise 1.2: L2\n\nthis is the squared Frobenius norm"),
    ("code", L2_REG),
    ("code", REGULARIZED_LOSS),
    ("markdown", "## Dropout"),
    ("code", DROPOUT),
    ("code", DROPOUT_CLASS),
    ("code", "%%time\nx = torch.ones(1000, 1000)\nprint((dropout(x, 0.5) != 0).float().mean())",
     "tensor(0.5002)\nCPU times: user 9.8 ms, sys: 2.1 ms, total: 11.9 ms\nWall time: 12.4 ms\n"),
    ("markdown", "## Train on the animal faces"),
    ("code", 'urllib.request.urlretrieve("https://osf.io/kc7ru/download", "afhq.zip")'),
    ("code", TRAINING_SETUP),
    ("code", "while True:\n  train_one_epoch()"),
    ("code", "plt.plot(train_losses)\nplt.xlabel('Step')\nplt.ylabel('Loss')\nplt.show()"),
]

BROKEN_CELL = [
    ("markdown", "# Assignment 2: Regularization"),
    ("code", "import random\n\nimport numpy as np\nimport torch\nimport torch.nn as nn"),
    ("code", SET_SEED, "Random seed 2021 has been set.\n"),
    ("code", L1_REG),
    ("code", "def plot_norms(:\n  # TODO finish this before submitting\n  pass"),
    ("code", L2_REG + "\n\n\nprint(l2_reg(trained_model))"),
    ("code", REGULARIZED_LOSS),
    ("code", DROPOUT),
    ("code", DROPOUT_CLASS),
]

NOT_A_NOTEBOOK = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>regularization.ipynb - Colab</title></head>
<body>Sign in to continue to Colab</body>
</html>
"""


def build_notebook(cells):
    """Return a notebook of (kind, source[, stdout]) cells with ids "cell-<index>"."""
    notebook = nbformat.v4.new_notebook(metadata=METADATA)
    for index, (kind, source, *stdout) in enumerate(cells):
        cell_id = f"cell-{index}"
        if kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(source, id=cell_id))
            continue
        outputs = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in stdout]
        cell = nbformat.v4.new_code_cell(source, id=cell_id, outputs=outputs)
        cell.execution_count = index
        notebook.cells.append(cell)
    nbformat.validate(notebook)
    return notebook


def write_text(name, text):
    """Write `text` to notebooks/<name> with "\\n" line ends and print the path."""
    path = OUT_DIR / name
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(path)


def main():
    """Write the four notebook fixtures."""
    OUT_DIR.mkdir(exist_ok=True)
    for name, cells in [
        ("correct_with_training_loop.ipynb", CORRECT_WITH_TRAINING_LOOP),
        ("broken_cell.ipynb", BROKEN_CELL),
        ("empty.ipynb", []),
    ]:
        write_text(name, nbformat.writes(build_notebook(cells)) + "\n")
    write_text("not_a_notebook.ipynb", NOT_A_NOTEBOOK)


if __name__ == "__main__":
    main()
