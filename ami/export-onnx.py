"""Exports the pre-fetched TorchScript ResNet-18 to ONNX (opset 17, dynamic batch, input
`input`, output `logits`) beside it, for EIC_ENGINE=onnxruntime, and checks on a random batch
that ONNX Runtime reproduces TorchScript's logits. Run once by provision.sh in a throwaway venv.
Usage: python3 export-onnx.py resnet18.pt resnet18.onnx"""
import sys

import numpy as np
import onnxruntime as ort
import torch

source, target = sys.argv[1], sys.argv[2]
module = torch.jit.load(source).eval()
example = torch.randn(1, 3, 224, 224)
torch.onnx.export(module, example, target, input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17, dynamo=False)
batch = torch.randn(4, 3, 224, 224)
with torch.no_grad():
    expected = module(batch).numpy()
actual = ort.InferenceSession(target, providers=["CPUExecutionProvider"]).run(None, {"input": batch.numpy()})[0]
worst = float(np.abs(expected - actual).max())
print(f"exported {target}: max |logit difference| vs TorchScript on a batch of 4 = {worst:.2e}")
if worst > 1e-3:
    sys.exit("the ONNX form does not agree with TorchScript; not baking it")
