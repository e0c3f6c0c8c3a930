"""Seed 2: the autograd notebook written for Tensors (``requires_grad=True``), with its outputs."""

NUMBER = 2
TITLE = "Autograd with Tensors (notebook)"
SOURCE = "2-autograd-tensor-notebook.txt"

CELLS: list[str] = [
    "import torch",
    "x=torch.ones(2, 2, requires_grad=True)\nprint(x)",
    "y=x+2\nprint(y)",
    "print(y.grad_fn)",
    "z=y*y*3\nout=z.mean()\nprint(z,out)",
    "a=torch.rand(2,2)\na=((a*3)/(a-1))\nprint(a.requires_grad)\na.requires_grad_(True)\n"
    "print(a.requires_grad)\nb=(a*a).sum()\nprint(b.grad_fn)",
    "out.backward()",
    "print(x.grad)",
    "x=torch.rand(3,requires_grad=True)\n\ny=x*2\nwhile y.data.norm()<1000:\n    y=y*2\nprint(y)",
    "v=torch.tensor([0.1,1.0,0.0001], dtype=torch.float)\ny.backward(v)\n\nprint(x.grad)",
    "print(x.requires_grad)\nprint((x ** 2).requires_grad)\n\nwith torch.no_grad():\n"
    "    print((x ** 2).requires_grad)",
    "print(x.requires_grad)\ny=x.detach()\nprint(y.requires_grad)\nprint(x.eq(y).all())",
]

PROSE: list[str] = [
    "",
    "Create a tensor and set requires_grad=True to track computation with it:",
    "Do a tensor operation:",
    "y was created as result of an operation, so it has a grad_fn:",
    "Do more operation on y:",
    ".requires_grad_( ... ) changes an existing Tensor's requires_grad flag in-place. "
    "The input flag defaults to False if not given.",
    "Gradients. Let's backprop now. Because out contains a single scalar, out.backward() "
    "is equivalent to out.backward(torch.tensor(1.)).",
    "Print gradients d(out)/dx:",
    "Example of a vector-Jacobian product:",
    "Now in this case y is no longer a scalar. torch.autograd could not compute the full "
    "Jacobian directly, but if we just want the vector-Jacobian product, simply pass the "
    "vector to backward as argument:",
    "You can also stop autograd from tracking history on Tensors with .requires_grad=True "
    "by wrapping the code block in with torch.no_grad():",
    "Or by using .detach() to get a new Tensor with the same content but that does not "
    "require gradients:",
]

OUTRO = ""

ORACLE_REWRITES: list[tuple[str, str]] = []
