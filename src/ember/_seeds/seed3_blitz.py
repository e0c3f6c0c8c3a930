"""Seed 3: "Autograd: automatic differentiation", the 60-minute blitz page."""

NUMBER = 3
TITLE = "Autograd: automatic differentiation (60-minute blitz)"
SOURCE = "3-autograd-blitz.txt"

CELLS: list[str] = [
    "import torch",
    "x = torch.ones(2, 2, requires_grad=True)\nprint(x)",
    "y = x + 2\nprint(y)",
    "print(y.grad_fn)",
    "z = y * y * 3\nout = z.mean()\n\nprint(z, out)",
    "a = torch.randn(2, 2)\na = ((a * 3) / (a - 1))\nprint(a.requires_grad)\na.requires_grad_(True)\n"
    "print(a.requires_grad)\nb = (a * a).sum()\nprint(b.grad_fn)",
    "out.backward()",
    "print(x.grad)",
    "x = torch.randn(3, requires_grad=True)\n\ny = x * 2\nwhile y.data.norm() < 1000:\n    y = y * 2\n\nprint(y)",
    "v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)\ny.backward(v)\n\nprint(x.grad)",
    "print(x.requires_grad)\nprint((x ** 2).requires_grad)\n\nwith torch.no_grad():\n"
    "    print((x ** 2).requires_grad)",
    "print(x.requires_grad)\ny = x.detach()\nprint(y.requires_grad)\nprint(x.eq(y).all())",
]

PROSE: list[str] = [
    "Central to all neural networks in PyTorch is the autograd package. It provides automatic "
    "differentiation for all operations on Tensors: a define-by-run framework, which means that "
    "your backprop is defined by how your code is run, and that every single iteration can be "
    "different.",
    "Create a tensor and set requires_grad=True to track computation with it:",
    "Do a tensor operation:",
    "y was created as a result of an operation, so it has a grad_fn.",
    "Do more operations on y:",
    ".requires_grad_(...) changes an existing Tensor's requires_grad flag in-place. The input "
    "flag defaults to False if not given.",
    "Gradients. Let's backprop now. Because out contains a single scalar, out.backward() is "
    "equivalent to out.backward(torch.tensor(1.)).",
    "Print gradients d(out)/dx:",
    "torch.autograd is an engine for computing vector-Jacobian products. Now let's take a look "
    "at an example of vector-Jacobian product:",
    "Now in this case y is no longer a scalar. torch.autograd could not compute the full "
    "Jacobian directly, but if we just want the vector-Jacobian product, simply pass the "
    "vector to backward as argument:",
    "You can also stop autograd from tracking history on Tensors with .requires_grad=True "
    "either by wrapping the code block in with torch.no_grad():",
    "Or by using .detach() to get a new Tensor with the same content but that does not "
    "require gradients:",
]

OUTRO = "Read later: the documentation of autograd.Function is at https://pytorch.org/docs/stable/autograd.html#function"

ORACLE_REWRITES: list[tuple[str, str]] = []
