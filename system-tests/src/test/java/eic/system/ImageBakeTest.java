package eic.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The worker image's bake (ami/), checked as far as a machine without AWS allows: every
 * file the Packer template ships exists (it lives in this module because the reactor has
 * packaged every jar by the time it runs), the template parses with Packer, the provisioning
 * script parses with bash, and the systemd units pass {@code systemd-analyze verify}.
 */
class ImageBakeTest {
    static final Path AMI = TestStacks.home().resolve("ami");

    @Test
    void everyFileTheTemplateShipsExists() throws IOException {
        String template = Files.readString(AMI.resolve("eic.pkr.hcl"));
        Matcher m = Pattern.compile("\"\\$\\{path\\.root}/([^\"]+)\"").matcher(template);
        List<String> referenced = new ArrayList<>();
        while (m.find()) {
            referenced.add(m.group(1));
        }
        assertThat(referenced).contains("../app-tier/target/app-tier.jar", "../web-tier/target/web-tier-exec.jar",
                "provision.sh", "systemd/", "cloudwatch-agent.json", "export-onnx.py", "report-unhealthy.sh");
        assertThat(template).contains("vpc_id        = var.vpc_id").contains("subnet_id     = var.subnet_id");
        assertThat(referenced).allSatisfy(path -> assertThat(AMI.resolve(path)).as(path).exists());
        assertThat(AMI.resolve("../app-tier/target/lib")).isDirectoryContaining("glob:**/pytorch-native-cpu-*.jar");
    }

    @Test
    void theProvisioningScriptParsesAndInstallsUnitsThatExist() throws Exception {
        assertThat(run(List.of("bash", "-n", AMI.resolve("provision.sh").toString()))).isEqualTo("");
        assertThat(run(List.of("bash", "-n", AMI.resolve("report-unhealthy.sh").toString()))).isEqualTo("");
        String script = Files.readString(AMI.resolve("provision.sh"));
        Matcher m = Pattern.compile("/tmp/eic/systemd/(\\S+\\.service)").matcher(script);
        int units = 0;
        while (m.find()) {
            assertThat(AMI.resolve("systemd").resolve(m.group(1))).exists();
            units++;
        }
        assertThat(units).as("the worker, the web tier, and the worker's report of failing for good").isEqualTo(3);
        assertThat(script).contains("prefetch-resnet18 /opt/eic/models/resnet18").contains("-Dai.djl.offline=true")
                .contains("amazon-cloudwatch-agent").contains("/opt/eic/cloudwatch-agent.json")
                .as("both forms of ResNet-18, checked to agree").contains("export-onnx.py")
                .contains("/opt/eic/models/resnet18/resnet18.onnx").contains("EIC_ENGINE=$engine")
                .as("the worker's scaled JPEG decode").contains("libturbojpeg.so.0()(64bit)");
        String agent = Files.readString(AMI.resolve("cloudwatch-agent.json"));
        assertThat(agent).as("the user data fills in the stack's log group").contains("@LOG_GROUP@")
                .contains("/var/log/eic/eic-worker.log").contains("/var/log/eic/eic-web.log");
    }

    @Test
    void theOnnxExportScriptCompiles() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not on this machine; export-onnx.py not compiled");
        assertThat(run(List.of("python3", "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())",
                AMI.resolve("export-onnx.py").toString()))).isEqualTo("");
    }

    @Test
    void theUnitsPassSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not on this machine; units not verified");
        for (String unit : List.of("eic-worker.service", "eic-web.service")) {
            Path file = AMI.resolve("systemd").resolve(unit);
            assertThat(Files.readString(file)).contains("EnvironmentFile=/etc/eic/eic.env").contains("Restart=on-failure")
                    .contains("StandardOutput=append:/var/log/eic/" + unit.replace(".service", ".log"));
            assertThat(run(List.of("systemd-analyze", "verify", "--man=no", file.toString()))).as(unit).isEqualTo("");
        }
    }

    /** Packer 1.6.6 (Debian's, what scripts/install-test-tools.sh installs) validates the recipe as it is. */
    @Test
    void theTemplateValidatesWithPacker() throws Exception {
        Assumptions.assumeTrue(onPath("packer"), "packer is not installed (scripts/install-test-tools.sh); "
                + "the template was not validated");
        Process validate = new ProcessBuilder("packer", "validate", ".").directory(AMI.toFile())
                .redirectErrorStream(true).start();
        String output = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(validate.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(validate.exitValue()).as("packer validate: %s", output).isZero();
        assertThat(output).doesNotContain("Error");
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command; its output, after asserting it exited 0 within a minute. */
    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
        return output;
    }
}
