"""ember.optim.lr_scheduler against torch.optim.lr_scheduler: the sequences of learning rates
(exactly equal: the same chainable formulas in the same order), warnings, state dicts."""

from __future__ import annotations

import math
import warnings

import pytest
import torch
from torch.optim import lr_scheduler as tlrs

import ember
import ember.optim as eoptim
from ember.optim import lr_scheduler as elrs


def _opts(name="SGD", groups=2, **kwargs):
    tparams = [torch.zeros(1, requires_grad=True) for _ in range(groups)]
    eparams = [ember.zeros(1, requires_grad=True) for _ in range(groups)]
    lrs = [0.1 * (i + 1) for i in range(groups)]
    topt = getattr(torch.optim, name)([{"params": [p], "lr": lr} for p, lr in zip(tparams, lrs, strict=True)], **kwargs)
    eopt = getattr(eoptim, name)([{"params": [p], "lr": lr} for p, lr in zip(eparams, lrs, strict=True)], **kwargs)
    return topt, eopt


def _sequence(opt, sched, epochs, metrics=None, key="lr"):
    out = []
    for epoch in range(epochs):
        opt.step()
        out.append([g[key] for g in opt.param_groups])
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[epoch])
    return out


SCHEDULERS = [
    ("StepLR", {"step_size": 7, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [10, 30, 30, 80], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.97}),
    ("CosineAnnealingLR", {"T_max": 17}),
    ("CosineAnnealingLR", {"T_max": 25, "eta_min": 0.01}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 40}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 12}),
    ("PolynomialLR", {"total_iters": 50, "power": 2.0}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 0.95**epoch + 0.01 * (epoch % 3)}),
    ("MultiplicativeLR", {"lr_lambda": lambda epoch: 0.98}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 101}),
    ("OneCycleLR", {"max_lr": [1.0, 2.0], "epochs": 10, "steps_per_epoch": 11, "anneal_strategy": "linear",
                    "three_phase": True, "pct_start": 0.25}),
]


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULERS)])
def test_lr_sequence_equals_torch(name, kwargs):
    topt, eopt = _opts(momentum=0.9)
    tsched, esched = getattr(tlrs, name)(topt, **kwargs), getattr(elrs, name)(eopt, **kwargs)
    epochs = 100
    assert _sequence(eopt, esched, epochs) == _sequence(topt, tsched, epochs)
    assert esched.get_last_lr() == tsched.get_last_lr()
    assert esched.last_epoch == tsched.last_epoch
    if name == "OneCycleLR":
        assert [g["momentum"] for g in eopt.param_groups] == [g["momentum"] for g in topt.param_groups]


def test_one_cycle_cycles_adam_beta1():
    topt, eopt = _opts("Adam")
    tsched, esched = tlrs.OneCycleLR(topt, max_lr=0.5, total_steps=50), elrs.OneCycleLR(eopt, max_lr=0.5,
                                                                                     total_steps=50)
    assert _sequence(eopt, esched, 50, key="betas") == _sequence(topt, tsched, 50, key="betas")
    with pytest.raises(ValueError, match="Tried to step 51 times. The specified number of total steps is 50"):
        esched.step()


def test_sequential_lr():
    topt, eopt = _opts()
    tsched = tlrs.SequentialLR(topt, [tlrs.LinearLR(topt, start_factor=0.1, total_iters=10),
                                      tlrs.CosineAnnealingLR(topt, T_max=40),
                                      tlrs.ExponentialLR(topt, gamma=0.9)], milestones=[10, 50])
    esched = elrs.SequentialLR(eopt, [elrs.LinearLR(eopt, start_factor=0.1, total_iters=10),
                                      elrs.CosineAnnealingLR(eopt, T_max=40),
                                      elrs.ExponentialLR(eopt, gamma=0.9)], milestones=[10, 50])
    assert _sequence(eopt, esched, 80) == _sequence(topt, tsched, 80)


def test_chained_scheduler():
    topt, eopt = _opts()
    tsched = tlrs.ChainedScheduler([tlrs.ConstantLR(topt, factor=0.1, total_iters=2), tlrs.ExponentialLR(topt, 0.9)])
    esched = elrs.ChainedScheduler([elrs.ConstantLR(eopt, factor=0.1, total_iters=2), elrs.ExponentialLR(eopt, 0.9)])
    assert _sequence(eopt, esched, 20) == _sequence(topt, tsched, 20)


@pytest.mark.parametrize("kwargs", [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2, "cooldown": 3, "threshold_mode": "abs", "threshold": 0.01},
    {"patience": 0, "min_lr": [0.05, 0.01], "eps": 1e-3},
])
def test_reduce_lr_on_plateau(kwargs):
    metrics = [1.0 / (1 + i) if i < 20 else 0.05 + 0.001 * math.sin(i) for i in range(100)]
    topt, eopt = _opts()
    tsched, esched = tlrs.ReduceLROnPlateau(topt, **kwargs), elrs.ReduceLROnPlateau(eopt, **kwargs)
    assert _sequence(eopt, esched, 100, metrics) == _sequence(topt, tsched, 100, metrics)
    assert esched.get_last_lr() == tsched.get_last_lr()
    assert esched.num_bad_epochs == tsched.num_bad_epochs and esched.best == tsched.best


def test_reduce_lr_on_plateau_accepts_a_tensor_metric_and_checks_arguments():
    _, eopt = _opts()
    sched = elrs.ReduceLROnPlateau(eopt, patience=0)
    sched.step(ember.tensor(1.0))
    sched.step(ember.tensor(2.0))
    assert sched.get_last_lr() == [0.1 * 0.1, 0.2 * 0.1]
    with pytest.raises(ValueError, match=r"Factor should be < 1.0."):
        elrs.ReduceLROnPlateau(eopt, factor=1.0)
    with pytest.raises(ValueError, match="mode foo is unknown!"):
        elrs.ReduceLROnPlateau(eopt, mode="foo")


def test_closed_form_with_epoch_argument():
    topt, eopt = _opts()
    tsched, esched = tlrs.StepLR(topt, step_size=3, gamma=0.5), elrs.StepLR(eopt, step_size=3, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in (5, 9, 2):
            topt.step()
            eopt.step()
            tsched.step(epoch)
            esched.step(epoch)
            assert esched.get_last_lr() == tsched.get_last_lr()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        esched.step(4)


def test_warns_when_scheduler_steps_before_optimizer():
    _, eopt = _opts()
    sched = elrs.StepLR(eopt, step_size=2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()
    _, eopt = _opts()
    sched = elrs.StepLR(eopt, step_size=2)
    eopt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()


def test_warns_when_optimizer_step_is_replaced():
    _, eopt = _opts()
    sched = elrs.ExponentialLR(eopt, gamma=0.9)
    eopt.step = lambda closure=None: None
    with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been overridden"):
        sched.step()


def test_get_lr_outside_step_warns():
    _, eopt = _opts()
    sched = elrs.ExponentialLR(eopt, gamma=0.9)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_state_dict_round_trip():
    _, eopt = _opts()
    sched = elrs.CosineAnnealingLR(eopt, T_max=20)
    for _ in range(7):
        eopt.step()
        sched.step()
    sd = sched.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 7 and sd["base_lrs"] == [0.1, 0.2]
    _, eopt2 = _opts()
    eopt2.load_state_dict(eopt.state_dict())
    sched2 = elrs.CosineAnnealingLR(eopt2, T_max=20, last_epoch=6)
    sched2.load_state_dict(sd)
    for _ in range(10):
        for o, s in ((eopt, sched), (eopt2, sched2)):
            o.step()
            s.step()
        assert sched.get_last_lr() == sched2.get_last_lr()


def test_lambda_state_dict_skips_functions():
    _, eopt = _opts()
    sched = elrs.LambdaLR(eopt, lr_lambda=[lambda e: 0.5, lambda e: 0.25])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [None, None]
    sched.load_state_dict(sd)
    assert sched.get_last_lr() == [0.05, 0.05]
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        elrs.LambdaLR(eopt, lr_lambda=[lambda e: 1.0])


def test_errors_as_torch():
    topt, eopt = _opts()
    cases = [
        ("LinearLR", {"start_factor": 0}), ("LinearLR", {"end_factor": 2}), ("ConstantLR", {"factor": 2}),
        ("OneCycleLR", {"max_lr": 1.0}), ("OneCycleLR", {"max_lr": 1.0, "total_steps": 0}),
        ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "pct_start": 1}),
        ("OneCycleLR", {"max_lr": 1.0, "total_steps": 10, "anneal_strategy": "x"}),
        ("OneCycleLR", {"max_lr": [1.0], "total_steps": 10}),
        ("SequentialLR", {"schedulers": [], "milestones": []}),
    ]
    for name, kwargs in cases:
        with pytest.raises(Exception) as texc:
            getattr(tlrs, name)(topt, **kwargs)
        with pytest.raises(type(texc.value)) as eexc:
            getattr(elrs, name)(eopt, **kwargs)
        assert str(eexc.value) == str(texc.value)
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        elrs.StepLR([], step_size=1)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        elrs.StepLR(_opts()[1], step_size=1, last_epoch=3)
