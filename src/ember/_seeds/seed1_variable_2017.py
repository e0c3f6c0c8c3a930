"""Seed 1: "Autograd: automatic differentiation", the 2017 notebook with ``Variable``.

The notebook's code cells are comments saying what the code does; they are filled in the
way the tutorial describes, keeping each comment as the cell's first line. ``.creator``
is the 2017 name of ``grad_fn``: ember keeps it, PyTorch has removed it, so the oracle
reads ``grad_fn`` there instead.
"""

NUMBER = 1
TITLE = "Autograd: automatic differentiation (2017, with Variable)"
SOURCE = "1-autograd-variable-2017.txt"

CELLS: list[str] = [
    "import torch\nfrom torch.autograd import Variable",
    "# Variable(<tensor>, optional <requires_grad>)\nx = Variable(torch.ones(2, 2), requires_grad=True)\nprint(x)",
    "# add 2\ny = x + 2\nprint(y)",
    "# creator\ny.creator",
    "# z = 3(x + 2)^2\nz = y * y * 3\nout = z.mean()\n\nprint(z, out)",
    "# use backward()\nout.backward()",
    "# use grad on x\nprint(x.grad)",
]

PROSE: list[str] = [
    "The autograd package provides automatic differentiation for all operations on Tensors. "
    "autograd.Variable is the central class of the package: it wraps a Tensor, and once you "
    "finish your computation you can call .backward() and have all the gradients computed "
    "automatically. Each Variable has a .creator attribute that references the Function that "
    "created it (creator is None for Variables created by the user).",
    "Create a variable:",
    "Do an operation of variable:",
    "y was created as a result of an operation, so it has a creator.",
    "Do more operations on y:",
    "Gradients. Let's backprop now:",
    "Print gradients d(out)/dx:",
]

OUTRO = (
    "You should have got a matrix of 4.5. Call the out Variable o: o = 1/4 sum_i z_i, "
    "z_i = 3(x_i + 2)^2 and z_i = 27 at x_i = 1. Therefore do/dx_i = 3/2 (x_i + 2), "
    "hence do/dx_i = 9/2 = 4.5 at x_i = 1."
)

# PyTorch renamed Variable.creator to grad_fn (0.2, 2017) and no longer has creator.
ORACLE_REWRITES: list[tuple[str, str]] = [("y.creator", "y.grad_fn")]
