# The EIC instance image: Amazon Linux 2023, Corretto 17, the worker and web-tier jars,
# their systemd units, libtorch pre-extracted and the ResNet-18 weights pre-fetched, so an
# instance starts offline. Build the jars first (mvn -DskipTests package), then:
#   packer build -var region=eu-west-1 ami/
# The baking machine needs internet (Maven Central for nothing, the DJL model zoo for the weights).
# Kept to what Packer 1.6.6 accepts (Debian's, which CI validates it with; its amazon-ebs builder is
# built in): no required_plugins block and no metadata_options. A Packer that no longer bundles the
# builder (1.10 and later) needs it once: packer plugins install github.com/hashicorp/amazon

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "instance_type" {
  type        = string
  default     = "c7i.large"
  description = "the worker's instance type: the bake runs the model once to extract libtorch"
}

variable "vpc_id" {
  type        = string
  default     = ""
  description = "the VPC to bake in (empty: the region's default VPC)"
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "the subnet to bake in; it must reach the internet (the model weights) and Packer must reach it over SSH"
}

variable "associate_public_ip_address" {
  type        = bool
  default     = true
  description = "false for a private subnet reached over a VPN or bastion"
}

variable "version" {
  type    = string
  default = "0.1.0"
}

source "amazon-ebs" "eic" {
  region        = var.region
  instance_type = var.instance_type
  ssh_username  = "ec2-user"
  vpc_id        = var.vpc_id
  subnet_id     = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address
  ami_name      = "eic-${var.version}-{{timestamp}}"
  source_ami_filter {
    filters = {
      name                = "al2023-ami-2023.*-x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["amazon"]
    most_recent = true
  }
  # The bake's instance keeps the account's metadata default for its minutes (1.6.6 has no
  # metadata_options); the image's instances are IMDSv2-only by the stack's launch templates.
  tags = {
    Name        = "eic-${var.version}"
    "eic:image" = var.version
  }
}

build {
  sources = ["source.amazon-ebs.eic"]

  # The jars with their lib/ folders, as `mvn package` lays them out.
  provisioner "shell" {
    inline = ["mkdir -p /tmp/eic/app-tier /tmp/eic/web-tier /tmp/eic/systemd"]
  }
  provisioner "file" {
    source      = "${path.root}/../app-tier/target/app-tier.jar"
    destination = "/tmp/eic/app-tier/app-tier.jar"
  }
  provisioner "file" {
    source      = "${path.root}/../app-tier/target/lib"
    destination = "/tmp/eic/app-tier"
  }
  provisioner "file" {
    source      = "${path.root}/../web-tier/target/web-tier-exec.jar"
    destination = "/tmp/eic/web-tier/web-tier-exec.jar"
  }
  provisioner "file" {
    source      = "${path.root}/export-onnx.py"
    destination = "/tmp/eic/export-onnx.py"
  }
  provisioner "file" {
    source      = "${path.root}/cloudwatch-agent.json"
    destination = "/tmp/eic/cloudwatch-agent.json"
  }
  provisioner "file" {
    source      = "${path.root}/systemd/"
    destination = "/tmp/eic/systemd"
  }
  provisioner "file" {
    source      = "${path.root}/report-unhealthy.sh"
    destination = "/tmp/eic/report-unhealthy.sh"
  }
  provisioner "shell" {
    script          = "${path.root}/provision.sh"
    execute_command = "sudo -E bash '{{ .Path }}'"
  }
}
