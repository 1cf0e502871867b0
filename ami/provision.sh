#!/usr/bin/env bash
# Runs once on the baking instance (as root): installs Java, lays out /opt/eic, installs the
# units, pre-extracts libtorch and pre-fetches ResNet-18 so instances never go online.
set -euo pipefail

dnf install -y -q java-17-amazon-corretto-headless amazon-cloudwatch-agent logrotate aws-cfn-bootstrap awscli-2
# libturbojpeg.so.0 (Fedora's and Amazon Linux's package `turbojpeg`): the worker's scaled JPEG
# decode. Asked for by the file it provides; without it the worker reads JPEGs with ImageIO
# (several times slower per photo, nothing else changes), so its absence does not stop the bake.
dnf install -y -q 'libturbojpeg.so.0()(64bit)' || echo "WARNING: libturbojpeg not installed; workers decode JPEG with ImageIO"

id eic >/dev/null 2>&1 || useradd --system --home-dir /opt/eic --shell /sbin/nologin eic
install -d -o root -g root -m 0755 /opt/eic /opt/eic/app-tier /opt/eic/web-tier /opt/eic/models /etc/eic
cp -r /tmp/eic/app-tier/. /opt/eic/app-tier/
cp -r /tmp/eic/web-tier/. /opt/eic/web-tier/
install -d -o eic -g eic -m 0750 /var/cache/eic/djl

# ResNet-18 from the DJL model zoo: the one time this image goes online for the model.
DJL_CACHE_DIR=/tmp/eic/djl-bake java -jar /opt/eic/app-tier/app-tier.jar prefetch-resnet18 /opt/eic/models/resnet18

# Its ONNX form beside it, for ONNX Runtime (faster on CPU: docs/benchmarks.md), exported here by
# PyTorch's own exporter in a throwaway venv and checked against TorchScript's logits.
dnf install -y -q python3-pip
python3 -m venv /tmp/eic/export
/tmp/eic/export/bin/pip install -q --index-url https://download.pytorch.org/whl/cpu torch
/tmp/eic/export/bin/pip install -q onnx onnxruntime numpy
/tmp/eic/export/bin/python /tmp/eic/export-onnx.py /opt/eic/models/resnet18/resnet18.pt \
  /opt/eic/models/resnet18/resnet18.onnx
chmod -R a+rX /opt/eic

# Start the engine once, offline, with the prefetched model: extracts libtorch into the cache
# the units use, and proves the image can classify before it is saved.
python3 - <<'PY'
import struct, zlib
w = h = 64
raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open("/tmp/eic/red.png", "wb").write(png)
PY
# Both engines, and they must agree on the label.
for engine in pytorch onnxruntime; do
  sudo -u eic env DJL_OFFLINE=true OPT_OUT_TRACKING=true EIC_DJL_CACHE_DIR=/var/cache/eic/djl \
    EIC_MODEL=resnet18 EIC_RESNET18_DIR=/opt/eic/models/resnet18 EIC_ENGINE=$engine \
    java -Dai.djl.offline=true -jar /opt/eic/app-tier/app-tier.jar classify /tmp/eic/red.png | cut -f2 > "/tmp/eic/$engine.label"
done
cmp /tmp/eic/pytorch.label /tmp/eic/onnxruntime.label || { echo "the engines disagree on the test image"; exit 1; }

# Logs: the units append to /var/log/eic; the agent ships them to the log group the user data
# names (it writes the config from this one and starts the agent); logrotate keeps them small.
install -d -o root -g root -m 0755 /var/log/eic
install -m 0644 /tmp/eic/cloudwatch-agent.json /opt/eic/cloudwatch-agent.json
cat > /etc/logrotate.d/eic <<'ROTATE'
/var/log/eic/*.log {
    daily
    rotate 3
    maxsize 100M
    compress
    missingok
    copytruncate
}
ROTATE

install -m 0644 /tmp/eic/systemd/eic-worker.service /etc/systemd/system/eic-worker.service
install -m 0644 /tmp/eic/systemd/eic-worker-unhealthy.service /etc/systemd/system/eic-worker-unhealthy.service
install -m 0755 /tmp/eic/report-unhealthy.sh /opt/eic/report-unhealthy.sh
install -m 0644 /tmp/eic/systemd/eic-web.service /etc/systemd/system/eic-web.service
systemctl daemon-reload
# Enabled at boot by the instance's user data (it writes /etc/eic/eic.env first).
rm -rf /tmp/eic
