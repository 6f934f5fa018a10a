"""ImageNet MobileNetV2 as a float PyTorch backbone, rebuilt from the int8 ONNX
model in ../shared/models (the only pretrained image weights available here).

Each QLinearConv is dequantized (w = (q - zp) * scale; bias = q_bias * x_scale *
w_scale) and copied, in graph order, into torchvision's mobilenet_v2, whose 52
convolutions appear in the same order. The batch norms were folded into the
convolutions before quantization, so each BatchNorm is set to an identity that
carries the folded bias: gamma 1, beta = bias, mean 0, var 1 - eps.
"""
import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torchvision.models import mobilenet_v2


def _initializers(graph):
    return {t.name: numpy_helper.to_array(t) for t in graph.initializer}


def _dequantized_convs(onnx_path):
    graph = onnx.load(onnx_path).graph
    init = _initializers(graph)
    convs = []
    for node in graph.node:
        if node.op_type != "QLinearConv":
            continue
        x_scale, w_q, w_scale, w_zp = (init.get(node.input[i]) for i in (1, 3, 4, 5))
        w = (w_q.astype(np.float32) - np.asarray(w_zp, np.float32).reshape(-1, 1, 1, 1)) * np.asarray(
            w_scale, np.float32
        ).reshape(-1, 1, 1, 1)
        b = None
        if len(node.input) > 8:
            b_q = init[node.input[8]].astype(np.float32)
            b = b_q * np.float32(x_scale) * np.asarray(w_scale, np.float32).reshape(-1)
        convs.append((w, b))
    return convs


def pretrained_mobilenet_v2(onnx_path):
    """torchvision MobileNetV2 (features only) with the ONNX model's ImageNet weights."""
    net = mobilenet_v2(weights=None)
    convs = _dequantized_convs(onnx_path)
    modules = list(net.features.modules())
    conv_bn = []
    for i, m in enumerate(modules):
        if isinstance(m, torch.nn.Conv2d):
            bn = next(n for n in modules[i + 1 :] if isinstance(n, torch.nn.BatchNorm2d))
            conv_bn.append((m, bn))
    if len(conv_bn) != len(convs):
        raise RuntimeError(f"expected {len(conv_bn)} convolutions, the ONNX model has {len(convs)}")
    with torch.no_grad():
        for (conv, bn), (w, b) in zip(conv_bn, convs):
            if tuple(conv.weight.shape) != w.shape:
                raise RuntimeError(f"shape mismatch {tuple(conv.weight.shape)} vs {w.shape}")
            conv.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b) if b is not None else torch.zeros_like(bn.bias))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
    return net.features


def freeze_batchnorm(module):
    """Keep batch-norm statistics fixed (they encode the folded ImageNet weights);
    small CPU batches would otherwise replace them with noisy batch statistics."""
    for m in module.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    return module
