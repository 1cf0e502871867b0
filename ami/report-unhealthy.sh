#!/usr/bin/env bash
# This instance, as its Auto Scaling group's member, marked Unhealthy (run by eic-worker-unhealthy.service).
set -euo pipefail
token=$(curl -sf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token)
instance=$(curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id)
echo "eic-worker failed for good on $instance: reporting it unhealthy to its group"
exec aws autoscaling set-instance-health --region "$EIC_AWS_REGION" --instance-id "$instance" \
  --health-status Unhealthy --no-should-respect-grace-period
