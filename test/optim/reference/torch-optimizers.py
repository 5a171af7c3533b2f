# Trajectories of PyTorch's optimizers on a fixed quadratic, for test/optim/more-optimizers.test.ts.
# Run: /usr/bin/python3 test/optim/reference/torch-optimizers.py > test/optim/reference/torch-optimizers.json
# The test reruns this script when torch is installed and checks that the JSON is its output.
import json
import torch

torch.set_default_dtype(torch.float64)
A = torch.tensor([1.0, 0.5, 2.0])
B = torch.tensor([0.3, -0.2, 0.0])
W0 = [1.0, -3.0, 0.25]
STEPS = 6


def lr_at(step, lr):
    # The learning rate halves after three updates, as the test's schedule does.
    return lr if step < 3 else lr / 2


def trajectory(make, lr):
    w = torch.tensor(W0, requires_grad=True)
    opt = make([w], lr)
    out = []
    for step in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, lr)
        opt.zero_grad()
        loss = (0.5 * A * w * w + B * w).sum()
        loss.backward()
        opt.step()
        out.append(w.detach().tolist())
    return out


CASES = {
    "Adagrad": (lambda p, lr: torch.optim.Adagrad(p, lr=lr, initial_accumulator_value=0.1, eps=1e-7), 0.1),
    "Adadelta": (lambda p, lr: torch.optim.Adadelta(p, lr=lr, rho=0.95, eps=1e-7), 1.0),
    "Adamax": (lambda p, lr: torch.optim.Adamax(p, lr=lr, betas=(0.9, 0.999), eps=1e-7), 0.1),
    "AdamW": (lambda p, lr: torch.optim.AdamW(p, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.5), 0.1),
    "AdamW-amsgrad": (lambda p, lr: torch.optim.AdamW(p, lr=lr, betas=(0.8, 0.99), eps=1e-8, weight_decay=0.1, amsgrad=True), 0.1),
    "SGD-momentum": (lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9), 0.1),
    "SGD-nesterov": (lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True), 0.1),
    "Adam": (lambda p, lr: torch.optim.Adam(p, lr=lr, eps=1e-8), 0.1),
    "RMSprop": (lambda p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.9, eps=1e-8), 0.01),
}

print(json.dumps({
    "torch": torch.__version__.split("+")[0],
    "a": A.tolist(), "b": B.tolist(), "w0": W0, "steps": STEPS,
    "cases": {name: {"lr": lr, "w": trajectory(make, lr)} for name, (make, lr) in CASES.items()},
}, indent=1))
