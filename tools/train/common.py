"""Shared training plumbing: config, seeding, checkpoint/resume, logging, EMA."""
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch


def load_config(path):
    with open(path) as f:
        cfg = json.load(f)
    # As written (relative paths), for the model's manifest.
    cfg_raw = json.loads(json.dumps(cfg))
    base = os.path.dirname(os.path.abspath(path))
    for key in ("data", "backbone", "out"):
        if key in cfg and not os.path.isabs(cfg[key]):
            cfg[key] = os.path.normpath(os.path.join(base, cfg[key]))
    cfg["as_written"] = cfg_raw
    return cfg


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def set_threads(cfg):
    threads = int(os.environ.get("CHITTI_TRAIN_THREADS", cfg.get("threads", os.cpu_count() or 1)))
    torch.set_num_threads(threads)
    return threads


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Ema:
    """Exponential moving average of the weights, evaluated and exported instead of
    the raw weights (steadier on small data)."""

    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.updates = 0

    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - np.exp(-self.updates / 2000))
        with torch.no_grad():
            for k, v in model.state_dict().items():
                if v.dtype.is_floating_point:
                    self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
                else:
                    self.shadow[k].copy_(v)

    def state_dict(self):
        return {"shadow": self.shadow, "updates": self.updates}

    def load_state_dict(self, state):
        self.shadow = state["shadow"]
        self.updates = state["updates"]


def checkpoint_path(out):
    return os.path.join(out, "checkpoint.pt")


def save_checkpoint(out, state):
    """Write to a temp file, then rename: a kill mid-write keeps the previous epoch."""
    os.makedirs(out, exist_ok=True)
    tmp = checkpoint_path(out) + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, checkpoint_path(out))


def load_checkpoint(out):
    path = checkpoint_path(out)
    if not os.path.exists(path):
        return None
    return torch.load(path, map_location="cpu")


def rng_state():
    return {"py": random.getstate(), "np": np.random.get_state(), "torch": torch.get_rng_state()}


def restore_rng(state):
    random.setstate(state["py"])
    np.random.set_state(state["np"])
    torch.set_rng_state(state["torch"])


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def warmup_cosine(cfg, total):
    """Learning rate at iteration `it`: linear warm-up from 10 %, then cosine
    decay to 2 % of cfg["lr"] at iteration `total`."""

    def lr_at(it):
        if it < cfg["warmup_iters"]:
            return cfg["lr"] * (0.1 + 0.9 * it / cfg["warmup_iters"])
        p = (it - cfg["warmup_iters"]) / max(1, total - cfg["warmup_iters"])
        return cfg["lr"] * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))

    return lr_at


def resume(cfg, model, opt, ema):
    """Loads <out>/checkpoint.pt into the model, optimiser, EMA and random
    generators if there is one; returns (epochs done, the checkpoint or None)."""
    state = load_checkpoint(cfg["out"])
    if state is None:
        return 0, None
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    ema.load_state_dict(state["ema"])
    restore_rng(state["rng"])
    log(f"resumed after epoch {state['epoch']}")
    return state["epoch"], state


def write_manifest(dest, manifest):
    """Writes models/<id>/manifest.json with the sha256 of the model.onnx beside it
    (the app refuses a model whose file does not match)."""
    import hashlib

    onnx_path = os.path.join(dest, "model.onnx")
    with open(onnx_path, "rb") as f:
        manifest["sha256"] = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(dest, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    log(f"exported {onnx_path} sha256={manifest['sha256']}")
