"""Train, evaluate and export the magnetic-tile defect segmentation model.

    /usr/bin/python3 tools/train/segment.py split  tools/train/configs/magnetic-tile.json
    /usr/bin/python3 tools/train/segment.py train  tools/train/configs/magnetic-tile.json
    /usr/bin/python3 tools/train/segment.py export tools/train/configs/magnetic-tile.json models/

The split (seeded, per class) is written to tools/train/splits/magnetic-tile.json
and committed, so the app's evaluation (tools/eval) scores the same val images.
`train` resumes from <out>/checkpoint.pt (written atomically every epoch).

Model: MobileNetV2 (ImageNet, dequantized) with a small U-Net style decoder
(strides 32 -> 4), per-pixel softmax over background + 5 defect classes,
upsampled to the input size inside the graph.
"""
import json
import os
import random
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backbone import freeze_batchnorm, pretrained_mobilenet_v2  # noqa: E402
from common import (Ema, fail, load_checkpoint, load_config, log, resume,  # noqa: E402
                    rng_state, save_checkpoint, seed_everything, set_threads, warmup_cosine, write_manifest)

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
TAPS = (4, 7, 14, 18)  # strides 4, 8, 16, 32
TAP_CHANNELS = (24, 32, 96, 320)
SPLIT_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "splits", "magnetic-tile.json")


# ---------------------------------------------------------------- split
def make_split(cfg):
    names = sorted(f[:-4] for f in os.listdir(os.path.join(cfg["data"], "images")) if f.endswith(".jpg"))
    rng = random.Random(cfg["seed"])
    by_class = {}
    for n in names:
        by_class.setdefault(n.split("__")[0], []).append(n)
    split = {"seed": cfg["seed"], "val_fraction": cfg["val_fraction"], "train": [], "val": []}
    for cls in sorted(by_class):
        items = by_class[cls][:]
        rng.shuffle(items)
        k = max(1, round(len(items) * cfg["val_fraction"]))
        split["val"] += sorted(items[:k])
        split["train"] += sorted(items[k:])
    os.makedirs(os.path.dirname(SPLIT_FILE), exist_ok=True)
    with open(SPLIT_FILE, "w") as f:
        json.dump(split, f, indent=1)
        f.write("\n")
    log(f"split: {len(split['train'])} train, {len(split['val'])} val -> {SPLIT_FILE}")


def load_split():
    if not os.path.exists(SPLIT_FILE):
        fail(f"{SPLIT_FILE} missing: run `segment.py split` first")
    with open(SPLIT_FILE) as f:
        return json.load(f)


# ---------------------------------------------------------------- data
def letterbox(img, size, interp, pad):
    h, w = img.shape[:2]
    s = size / max(h, w)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    out = np.full((size, size), pad, img.dtype)
    out[:nh, :nw] = cv2.resize(img, (nw, nh), interpolation=interp)
    return out


class Tiles(torch.utils.data.Dataset):
    def __init__(self, cfg, names, augment=None):
        self.size, self.augment, self.classes = cfg["input_size"], augment, cfg["classes"]
        self.items = []
        pad = int(round(MEAN[0] * 255))
        for n in names:
            img = cv2.imread(os.path.join(cfg["data"], "images", n + ".jpg"), cv2.IMREAD_GRAYSCALE)
            mask = cv2.imread(os.path.join(cfg["data"], "masks", n + ".png"), cv2.IMREAD_GRAYSCALE)
            if img is None or mask is None:
                fail(f"cannot read {n}")
            cls = n.split("__")[0]
            label = (mask >= 128).astype(np.uint8) * (self.classes.index(cls) + 1 if cls in self.classes else 0)
            self.items.append(
                (letterbox(img, self.size, cv2.INTER_AREA, pad), letterbox(label, self.size, cv2.INTER_NEAREST, 0), n)
            )

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        img, label, _ = self.items[idx]
        if self.augment:
            a = self.augment
            if np.random.rand() < a["hflip"]:
                img, label = img[:, ::-1], label[:, ::-1]
            if np.random.rand() < a["vflip"]:
                img, label = img[::-1], label[::-1]
            img = img.astype(np.float32) * np.random.uniform(1 - a["contrast"], 1 + a["contrast"])
            img = np.clip(img + np.random.uniform(-a["brightness"], a["brightness"]) * 255, 0, 255)
        x = torch.from_numpy(np.ascontiguousarray(img, dtype=np.float32) / 255.0).unsqueeze(0).repeat(3, 1, 1)
        x = (x - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)
        return x, torch.from_numpy(np.ascontiguousarray(label).astype(np.int64))


# ---------------------------------------------------------------- model
def conv_bn(cin, cout, k=3):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SegNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["decoder_channels"]
        self.body = pretrained_mobilenet_v2(cfg["backbone"])
        self.lateral = nn.ModuleList(conv_bn(ch, c, 1) for ch in TAP_CHANNELS)
        self.smooth = nn.ModuleList(conv_bn(c, c) for _ in TAP_CHANNELS[:-1])
        self.classifier = nn.Conv2d(c, len(cfg["classes"]) + 1, 1)

    def forward(self, x):
        size = x.shape[-2:]
        feats, start = [], 0
        y = x
        for end in TAPS:
            for layer in self.body[start:end]:
                y = layer(y)
            feats.append(y)
            start = end
        top = self.lateral[-1](feats[-1])
        for i in range(len(feats) - 2, -1, -1):
            lat = self.lateral[i](feats[i])
            top = self.smooth[i](lat + F.interpolate(top, size=lat.shape[-2:], mode="bilinear", align_corners=False))
        return F.interpolate(self.classifier(top), size=size, mode="bilinear", align_corners=False)


def dice_loss(logits, target, n_classes):
    prob = logits.softmax(1)
    onehot = F.one_hot(target, n_classes).permute(0, 3, 1, 2).float()
    inter = (prob * onehot).sum((0, 2, 3))
    denom = prob.sum((0, 2, 3)) + onehot.sum((0, 2, 3))
    dice = (2 * inter + 1) / (denom + 1)
    return 1 - dice[1:].mean()


# ---------------------------------------------------------------- train
def train(cfg):
    threads = set_threads(cfg)
    seed_everything(cfg["seed"])
    split = load_split()
    data = Tiles(cfg, split["train"], cfg["augment"])
    defect = [i for i, it in enumerate(data.items) if not it[2].startswith("free__")]
    free = [i for i, it in enumerate(data.items) if it[2].startswith("free__")]
    per_epoch_free = min(len(free), int(len(defect) * cfg["free_per_epoch"]))
    batches = (len(defect) + per_epoch_free) // cfg["batch_size"]
    n_classes = len(cfg["classes"]) + 1
    model = SegNet(cfg)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    total = cfg["epochs"] * batches
    # Background dominates the pixels; weight the defect classes up.
    weights = torch.tensor([0.2] + [1.0] * len(cfg["classes"]))

    lr_at = warmup_cosine(cfg, total)

    ema = Ema(model, cfg["ema_decay"])
    start_epoch, _ = resume(cfg, model, opt, ema)
    log(f"train {len(defect)} defect + {per_epoch_free}/{len(free)} free per epoch, {batches} batches, {threads} threads")
    for epoch in range(start_epoch, cfg["epochs"]):
        model.train()
        freeze_batchnorm(model.body)
        order = defect + list(np.random.permutation(free)[:per_epoch_free])
        order = list(np.random.permutation(order))
        t0, total_loss = time.time(), 0.0
        for b in range(batches):
            it = epoch * batches + b
            for g in opt.param_groups:
                g["lr"] = lr_at(it)
            xs, ys = zip(*(data[i] for i in order[b * cfg["batch_size"] : (b + 1) * cfg["batch_size"]]))
            x, y = torch.stack(xs), torch.stack(ys)
            logits = model(x)
            loss = F.cross_entropy(logits, y, weight=weights) + dice_loss(logits, y, n_classes)
            if not torch.isfinite(loss):
                fail(f"loss is {loss.item()} at epoch {epoch + 1}")
            opt.zero_grad()
            loss.backward()
            opt.step()
            ema.update(model)
            total_loss += loss.item()
        log(f"epoch {epoch + 1}/{cfg['epochs']} loss={total_loss / batches:.4f} lr={lr_at(it):.2e} {time.time() - t0:.0f}s")
        save_checkpoint(
            cfg["out"],
            {"epoch": epoch + 1, "model": model.state_dict(), "opt": opt.state_dict(), "ema": ema.state_dict(),
             "rng": rng_state(), "config": cfg},
        )
    log("training finished")


# ---------------------------------------------------------------- export
class ExportNet(nn.Module):
    """Per-pixel class probabilities (softmax inside the graph)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        return self.model(images).softmax(1)


def export(cfg, models_dir):
    import onnx

    state = load_checkpoint(cfg["out"])
    if state is None:
        fail(f"no checkpoint in {cfg['out']}: train first")
    model = SegNet(cfg)
    model.load_state_dict(state["ema"]["shadow"])
    model.eval()
    size = cfg["input_size"]
    dest = os.path.join(models_dir, cfg["id"])
    os.makedirs(os.path.join(dest, "reference"), exist_ok=True)
    onnx_path = os.path.join(dest, "model.onnx")
    net = ExportNet(model).eval()
    torch.onnx.export(
        net, torch.zeros(1, 3, size, size), onnx_path, opset_version=13, input_names=["images"],
        output_names=["probabilities"],
        dynamic_axes={"images": {0: "batch", 2: "height", 3: "width"}, "probabilities": {0: "batch", 2: "height", 3: "width"}},
    )
    onnx.checker.check_model(onnx.load(onnx_path))
    split = load_split()
    names = [n for n in split["val"] if n.startswith("crack__")][:1]
    data = Tiles(cfg, names)
    x = torch.stack([data[i][0] for i in range(len(names))])
    with torch.no_grad():
        probs = net(x)
    x.numpy().astype(np.float32).tofile(os.path.join(dest, "reference", "input.f32"))
    probs.numpy().astype(np.float32).tofile(os.path.join(dest, "reference", "probabilities.f32"))
    with open(os.path.join(dest, "reference", "reference.json"), "w") as f:
        json.dump({"ids": names, "shape": list(x.shape), "output_shapes": {"probabilities": list(probs.shape)}}, f)
    manifest_path = os.path.join(dest, "manifest.json")
    old = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest = {
        "id": cfg["id"],
        "version": cfg["version"],
        "task": "segment",
        "title": "Magnetic tile surface defects",
        "description": "Per-pixel segmentation of magnetic tile defects on an ImageNet MobileNetV2 backbone.",
        "classes": cfg["classes"],
        "input": {
            "name": "images", "layout": "NCHW", "channels": 3, "colour": "grey-replicated", "size": [size, size],
            "resize": "letterbox-top-left", "pad": MEAN[0], "window": "full-range", "mean": MEAN, "std": STD,
            "dynamic": {"multiple": 32},
        },
        "outputs": {"decoder": "softmax-mask", "names": ["probabilities"], "background_index": 0},
        "postprocess": {
            "score_threshold": old.get("postprocess", {}).get("score_threshold", 0.5),
            "class_thresholds": old.get("postprocess", {}).get("class_thresholds", {}),
            "min_area": 16,
            "max_detections": 100,
        },
        "tiling": {"tile": 384, "overlap": 96, "above": 1024},
        "training": {
            "data": "Magnetic tile defects (Huang et al., Saliency of magnetic tile surface defects)",
            "split": "tools/train/splits/magnetic-tile.json (seeded, 20 % of each class held out for val)",
            "config": cfg["as_written"],
            "epochs_trained": state["epoch"],
            "command": "/usr/bin/python3 tools/train/segment.py train tools/train/configs/magnetic-tile.json",
        },
        "metrics": old.get("metrics", {}),
        "licence": "Weights: trained by Chitti on the magnetic-tile defect set (research use; cite Huang et al.); backbone from ONNX Model Zoo MobileNetV2 (Apache-2.0).",
        "sha256": None,  # set from the file by write_manifest
    }
    write_manifest(dest, manifest)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("split", "train", "export"):
        fail("usage: segment.py split CONFIG | train CONFIG | export CONFIG MODELS_DIR")
    cfg = load_config(sys.argv[2])
    {"split": lambda: make_split(cfg), "train": lambda: train(cfg),
     "export": lambda: export(cfg, sys.argv[3] if len(sys.argv) > 3 else "models")}[sys.argv[1]]()


if __name__ == "__main__":
    main()
