"""Train, evaluate and export the steel-surface defect detector.

    /usr/bin/python3 tools/train/detect.py train  tools/train/configs/neu-det.json
    /usr/bin/python3 tools/train/detect.py export tools/train/configs/neu-det.json models/

`train` resumes from <out>/checkpoint.pt when one exists (written atomically at
the end of every epoch), so a killed run continues where it stopped.

Model: MobileNetV2 (ImageNet weights dequantized from the shipped int8 ONNX
model) -> FPN (strides 8..128) -> FCOS head (torchvision), anchor-free.
The ONNX export stops at the raw head outputs; decoding, thresholds and NMS are
done by the app in TypeScript (src/core/inference), tested against the
reference written here next to the model.
"""
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from collections import OrderedDict

import cv2
import numpy as np
import torch
import torchvision
from torch import nn
from torchvision.models.detection import FCOS
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.ops import FeaturePyramidNetwork
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backbone import freeze_batchnorm, pretrained_mobilenet_v2  # noqa: E402
from common import (Ema, fail, load_checkpoint, load_config, log, resume,  # noqa: E402
                    rng_state, save_checkpoint, seed_everything, set_threads, warmup_cosine, write_manifest)

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
ANCHOR_SIZES = (8, 16, 32, 64, 128)
TAPS = (7, 14, 18)  # MobileNetV2 feature indices ending at strides 8, 16, 32


# ---------------------------------------------------------------- data
def read_voc(path, classes):
    root = ET.parse(path).getroot()
    boxes, labels = [], []
    for obj in root.iter("object"):
        name = obj.findtext("name").strip()
        bb = obj.find("bndbox")
        x1, y1, x2, y2 = (float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
        # VOC is 1-based and inclusive: convert to 0-based pixel edges.
        boxes.append([x1 - 1, y1 - 1, x2, y2])
        labels.append(classes.index(name))
    return np.array(boxes, np.float32).reshape(-1, 4), np.array(labels, np.int64)


def letterbox_matrix(w, h, size):
    """Scale the longer side to `size`, keep the aspect ratio, pad right/bottom."""
    s = size / max(w, h)
    return np.array([[s, 0, 0], [0, s, 0]], np.float32)


def to_tensor(grey, size, matrix):
    pad = int(round(MEAN[0] * 255))
    img = cv2.warpAffine(grey, matrix, (size, size), flags=cv2.INTER_LINEAR, borderValue=pad)
    x = torch.from_numpy(img).float().div_(255.0)
    x = x.unsqueeze(0).repeat(3, 1, 1)
    return (x - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)


class NeuDet(torch.utils.data.Dataset):
    def __init__(self, root, ids, classes, size, augment=None):
        self.size, self.augment = size, augment
        self.items = []
        for i in ids:
            img = cv2.imread(os.path.join(root, "images", i + ".jpg"), cv2.IMREAD_GRAYSCALE)
            if img is None:
                fail(f"cannot read image {i}")
            boxes, labels = read_voc(os.path.join(root, "annotations", i + ".xml"), classes)
            self.items.append((img, boxes, labels))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        img, boxes, labels = self.items[idx]
        h, w = img.shape
        m = letterbox_matrix(w, h, self.size)
        boxes = boxes.copy()
        if self.augment:
            a = self.augment
            img = img.copy()
            if np.random.rand() < a["hflip"]:
                img = img[:, ::-1]
                boxes[:, [0, 2]] = w - boxes[:, [2, 0]]
            if np.random.rand() < a["vflip"]:
                img = img[::-1, :]
                boxes[:, [1, 3]] = h - boxes[:, [3, 1]]
            s = np.random.uniform(*a["scale"])
            t = np.random.uniform(-a["translate"], a["translate"], 2) * self.size
            # zoom about the centre, then shift
            c = self.size / 2
            m = m * s
            m[:, 2] = [c - s * c + t[0], c - s * c + t[1]]
            img = np.ascontiguousarray(img).astype(np.float32)
            img = img * np.random.uniform(1 - a["contrast"], 1 + a["contrast"])
            img = img + np.random.uniform(-a["brightness"], a["brightness"]) * 255
            img = np.clip(img, 0, 255).astype(np.uint8)
        x = to_tensor(np.ascontiguousarray(img), self.size, m)
        b = boxes.copy()
        b[:, [0, 2]] = b[:, [0, 2]] * m[0, 0] + m[0, 2]
        b[:, [1, 3]] = b[:, [1, 3]] * m[1, 1] + m[1, 2]
        b = b.clip(0, self.size)
        keep = ((b[:, 2] - b[:, 0]) >= 2) & ((b[:, 3] - b[:, 1]) >= 2)
        return x, {"boxes": torch.from_numpy(b[keep]), "labels": torch.from_numpy(labels[keep])}


def collate(batch):
    return torch.stack([b[0] for b in batch]), [b[1] for b in batch]


# ---------------------------------------------------------------- model
class MobileNetFpn(nn.Module):
    def __init__(self, backbone_path, channels):
        super().__init__()
        self.body = pretrained_mobilenet_v2(backbone_path)
        self.fpn = FeaturePyramidNetwork([32, 96, 320], channels, extra_blocks=LastLevelP6P7(channels, channels))
        self.out_channels = channels

    def forward(self, x):
        feats = OrderedDict()
        start = 0
        for n, end in enumerate(TAPS):
            for layer in self.body[start:end]:
                x = layer(x)
            feats[str(n)] = x
            start = end
        return self.fpn(feats)


def build_model(cfg):
    backbone = MobileNetFpn(cfg["backbone"], cfg["fpn_channels"])
    anchors = AnchorGenerator(tuple((s,) for s in ANCHOR_SIZES), ((1.0,),) * len(ANCHOR_SIZES))
    model = FCOS(
        backbone,
        num_classes=len(cfg["classes"]),
        min_size=cfg["input_size"],
        max_size=cfg["input_size"],
        image_mean=[0.0, 0.0, 0.0],  # inputs arrive normalised
        image_std=[1.0, 1.0, 1.0],
        anchor_generator=anchors,
        score_thresh=0.01,
        nms_thresh=0.6,
        detections_per_img=100,
        topk_candidates=1000,
    )
    model.head = torchvision.models.detection.fcos.FCOSHead(
        cfg["fpn_channels"], 1, len(cfg["classes"]), num_convs=cfg["head_convs"]
    )
    return model


def ids_from(root, split):
    with open(os.path.join(root, split + ".txt")) as f:
        return [l.strip() for l in f if l.strip()]


# ---------------------------------------------------------------- train
def train(cfg):
    threads = set_threads(cfg)
    seed_everything(cfg["seed"])
    data = NeuDet(cfg["data"], ids_from(cfg["data"], "train"), cfg["classes"], cfg["input_size"], cfg["augment"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    loader = torch.utils.data.DataLoader(
        data, batch_size=cfg["batch_size"], shuffle=True, drop_last=True, collate_fn=collate, generator=gen
    )
    model = build_model(cfg)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg["weight_decay"]}, {"params": no_decay, "weight_decay": 0}], lr=cfg["lr"]
    )
    total = cfg["epochs"] * len(loader)

    lr_at = warmup_cosine(cfg, total)

    ema = Ema(model, cfg["ema_decay"])
    start_epoch, state = resume(cfg, model, opt, ema)
    if state is not None:
        gen.set_state(state["loader_rng"])
    log(f"train {len(data)} images, {len(loader)} batches/epoch, {cfg['epochs']} epochs, {threads} threads")
    for epoch in range(start_epoch, cfg["epochs"]):
        model.train()
        freeze_batchnorm(model.backbone.body)
        t0, sums, n = time.time(), {}, 0
        for i, (x, targets) in enumerate(loader):
            it = epoch * len(loader) + i
            for g in opt.param_groups:
                g["lr"] = lr_at(it)
            losses = model(list(x), targets)
            loss = sum(losses.values())
            if not torch.isfinite(loss):
                fail(f"loss is {loss.item()} at epoch {epoch + 1} batch {i}")
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 10.0)
            opt.step()
            ema.update(model)
            for k, v in losses.items():
                sums[k] = sums.get(k, 0) + v.item()
            n += 1
        msg = " ".join(f"{k}={v / n:.4f}" for k, v in sums.items())
        log(f"epoch {epoch + 1}/{cfg['epochs']} {msg} lr={lr_at(it):.2e} {time.time() - t0:.0f}s")
        save_checkpoint(
            cfg["out"],
            {
                "epoch": epoch + 1,
                "model": model.state_dict(),
                "opt": opt.state_dict(),
                "ema": ema.state_dict(),
                "loader_rng": gen.get_state(),
                "rng": rng_state(),
                "config": cfg["as_written"],
            },
        )
    log("training finished")


# ---------------------------------------------------------------- export
class ExportNet(nn.Module):
    """Raw head outputs; the app decodes them (see module docstring)."""

    def __init__(self, model):
        super().__init__()
        self.backbone, self.head = model.backbone, model.head

    def forward(self, images):
        feats = list(self.backbone(images).values())
        out = self.head(feats)
        return out["cls_logits"], out["bbox_regression"], out["bbox_ctrness"]


def trained_model(cfg):
    state = load_checkpoint(cfg["out"])
    if state is None:
        fail(f"no checkpoint in {cfg['out']}: train first")
    if state["epoch"] < cfg["epochs"]:
        log(f"warning: exporting after epoch {state['epoch']} of {cfg['epochs']}")
    model = build_model(cfg)
    model.load_state_dict(state["ema"]["shadow"])
    return model.eval(), state["epoch"]


def export(cfg, models_dir):
    import onnx

    model, epochs_done = trained_model(cfg)
    size = cfg["input_size"]
    dest = os.path.join(models_dir, cfg["id"])
    os.makedirs(dest, exist_ok=True)
    onnx_path = os.path.join(dest, "model.onnx")
    net = ExportNet(model).eval()
    dummy = torch.zeros(1, 3, size, size)
    torch.onnx.export(
        net,
        dummy,
        onnx_path,
        opset_version=13,
        input_names=["images"],
        output_names=["cls_logits", "bbox_regression", "centerness"],
        # Any height and width (multiples of 128, the largest stride): tiles are
        # size x size, and a whole image can run in one pass to check tiling.
        dynamic_axes={"images": {0: "batch", 2: "height", 3: "width"},
                      **{n: {0: "batch", 1: "anchors"} for n in ("cls_logits", "bbox_regression", "centerness")}},
    )
    onnx.checker.check_model(onnx.load(onnx_path))
    reference(cfg, model, net, dest)
    manifest_path = os.path.join(dest, "manifest.json")
    old = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest = {
        "id": cfg["id"],
        "version": cfg["version"],
        "task": "detect",
        "title": "Steel surface defects (NEU-DET)",
        "description": "Hot-rolled steel strip surface defects: FCOS detector on an ImageNet MobileNetV2 backbone.",
        "classes": cfg["classes"],
        "input": {
            "name": "images",
            "layout": "NCHW",
            "channels": 3,
            "colour": "grey-replicated",
            "size": [size, size],
            "resize": "letterbox-top-left",
            "pad": MEAN[0],
            "window": "full-range",
            "mean": MEAN,
            "std": STD,
            "dynamic": {"multiple": 128},
        },
        "outputs": {
            "decoder": "fcos",
            "names": ["cls_logits", "bbox_regression", "centerness"],
            "strides": [8, 16, 32, 64, 128],
            "anchor_sizes": list(ANCHOR_SIZES),
        },
        "postprocess": {
            "score_threshold": old.get("postprocess", {}).get("score_threshold", 0.3),
            "class_thresholds": old.get("postprocess", {}).get("class_thresholds", {}),
            "candidate_threshold": 0.01,
            "topk_candidates": 1000,
            "nms_iou": 0.6,
            "max_detections": 100,
        },
        # Large images: 512-pixel tiles at the scale of 256-pixel training crops
        # of NEU images (1:1), overlapping by 64 (the dynamic input takes 512).
        "tiling": {"tile": 512, "overlap": 64, "above": 320, "input": 512},
        "training": {
            "data": "NEU-DET (Song Kechen, Yan Yunhui; Northeastern University)",
            "split": "train.txt (1224 images); metrics on val.txt (216 images)",
            "config": cfg["as_written"],
            "epochs_trained": epochs_done,
            "command": "/usr/bin/python3 tools/train/detect.py train tools/train/configs/neu-det.json",
        },
        "metrics": old.get("metrics", {}),
        "licence": "Weights: trained by Chitti on NEU-DET (free for research and education); backbone from ONNX Model Zoo MobileNetV2 (Apache-2.0).",
        "sha256": None,  # set from the file by write_manifest
    }
    write_manifest(dest, manifest)


def reference(cfg, model, net, dest):
    """Raw outputs and torchvision's own post-processing on a few val images: the
    TypeScript decoder and the ONNX export are both tested against this."""
    ids = ids_from(cfg["data"], "val")[:: 40][:2]
    data = NeuDet(cfg["data"], ids, cfg["classes"], cfg["input_size"])
    x = torch.stack([data[i][0] for i in range(len(ids))])
    with torch.no_grad():
        cls, reg, ctr = net(x)
        dets = model(list(x))
    ref = {
        "ids": ids,
        "input_sha": None,
        "raw": {
            "cls_logits": cls[:, :: 97].tolist(),
            "bbox_regression": reg[:, :: 97].tolist(),
            "centerness": ctr[:, :: 97].tolist(),
            "stride": 97,
        },
        "detections": [
            {k: v.tolist() for k, v in d.items()} for d in dets
        ],
        "postprocess": {"score_threshold": 0.01, "nms_iou": 0.6, "max_detections": 100, "topk_candidates": 1000},
    }
    os.makedirs(os.path.join(dest, "reference"), exist_ok=True)
    x.numpy().astype(np.float32).tofile(os.path.join(dest, "reference", "input.f32"))
    for name, t in (("cls_logits", cls), ("bbox_regression", reg), ("centerness", ctr)):
        t.numpy().astype(np.float32).tofile(os.path.join(dest, "reference", name + ".f32"))
    ref["shape"] = list(x.shape)
    ref["output_shapes"] = {"cls_logits": list(cls.shape), "bbox_regression": list(reg.shape), "centerness": list(ctr.shape)}
    del ref["raw"], ref["input_sha"]
    with open(os.path.join(dest, "reference", "reference.json"), "w") as f:
        json.dump(ref, f)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("train", "export"):
        fail("usage: detect.py train CONFIG | export CONFIG MODELS_DIR")
    cfg = load_config(sys.argv[2])
    if sys.argv[1] == "train":
        train(cfg)
    else:
        export(cfg, sys.argv[3] if len(sys.argv) > 3 else "models")


if __name__ == "__main__":
    main()
