"""Seed 4: "Automatic Differentiation with torch.autograd" (PyTorch's Learn the Basics).

The stored copy of the page stops after its first code cell; the rest are the page's
well-known cells, in order.
"""

NUMBER = 4
TITLE = "Automatic Differentiation with torch.autograd (Learn the Basics)"
SOURCE = "4-autograd-learn-the-basics.txt"

CELLS: list[str] = [
    "import torch\n\n"
    "x = torch.ones(5)  # input tensor\n"
    "y = torch.zeros(3)  # expected output\n"
    "w = torch.randn(5, 3, requires_grad=True)\n"
    "b = torch.randn(3, requires_grad=True)\n"
    "z = torch.matmul(x, w)+b\n"
    "loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)",
    'print(f"Gradient function for z = {z.grad_fn}")\n'
    'print(f"Gradient function for loss = {loss.grad_fn}")',
    "loss.backward()\nprint(w.grad)\nprint(b.grad)",
    "z = torch.matmul(x, w)+b\nprint(z.requires_grad)\n\n"
    "with torch.no_grad():\n    z = torch.matmul(x, w)+b\nprint(z.requires_grad)",
    "z = torch.matmul(x, w)+b\nz_det = z.detach()\nprint(z_det.requires_grad)",
    "inp = torch.eye(4, 5, requires_grad=True)\n"
    "out = (inp+1).pow(2).t()\n"
    "out.backward(torch.ones_like(out), retain_graph=True)\n"
    'print(f"First call\\n{inp.grad}")\n'
    "out.backward(torch.ones_like(out), retain_graph=True)\n"
    'print(f"\\nSecond call\\n{inp.grad}")\n'
    "inp.grad.zero_()\n"
    "out.backward(torch.ones_like(out), retain_graph=True)\n"
    'print(f"\\nCall after zeroing gradients\\n{inp.grad}")',
]

PROSE: list[str] = [
    "When training neural networks, the most frequently used algorithm is back propagation: "
    "parameters are adjusted according to the gradient of the loss function with respect to "
    "them. torch.autograd computes those gradients for any computational graph. Consider the "
    "simplest one-layer neural network, with input x, parameters w and b, and some loss function:",
    "Tensors, Functions and Computational graph. A function that we apply to tensors to construct "
    "the computational graph is an object of class Function; a reference to the backward "
    "propagation function is stored in the grad_fn property of a tensor.",
    "Computing Gradients. To optimize weights of parameters in the neural network, we need the "
    "derivatives of the loss function with respect to the parameters: call loss.backward(), "
    "then read the values from w.grad and b.grad.",
    "Disabling Gradient Tracking. By default, all tensors with requires_grad=True track their "
    "computational history. When we only want to do forward computations, we can stop tracking "
    "by surrounding the code with a torch.no_grad() block:",
    "Another way to achieve the same result is to use the detach() method on the tensor:",
    "Optional Reading: Tensor Gradients and Jacobian Products. For a tensor output, PyTorch "
    "computes the Jacobian product v^T . J for a given input vector v, passed as the argument "
    "of backward():",
]

OUTRO = (
    "When we call backward for the second time with the same argument, the value of the "
    "gradient is different: PyTorch accumulates the gradients. To compute proper gradients, "
    "you need to zero out the grad property before. In real-life training an optimizer helps "
    "us to do this."
)

ORACLE_REWRITES: list[tuple[str, str]] = []
