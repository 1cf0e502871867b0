package eic.infra.deploy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an instance is told at boot: its settings in /etc/eic/eic.env (read by the systemd
 * units baked into the AMI, see ami/), then which unit to start. Nothing is downloaded.
 */
final class UserData {
    private UserData() {
    }

    static String worker(DeploySpec spec) {
        Map<String, String> env = common(spec);
        env.put("EIC_MODEL", spec.model());
        env.put("EIC_RESNET18_DIR", "/opt/eic/models/resnet18");
        env.put("EIC_WORKER_VISIBILITY_TIMEOUT", spec.storage().visibilityTimeout().toSeconds() + "s");
        return script(env, "eic-worker.service");
    }

    static String web(DeploySpec spec) {
        Map<String, String> env = common(spec);
        env.put("EIC_PORT", Integer.toString(spec.webPort()));
        // On EC2 the security group, not the bind address, limits who reaches the port.
        env.put("EIC_BIND_ADDRESS", "0.0.0.0");
        env.put("EIC_DASHBOARD_URL", spec.dashboardUrl());
        return script(env, "eic-web.service");
    }

    static String base64(String script) {
        return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> common(DeploySpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EIC_AWS_REGION", spec.region());
        env.put("EIC_NAME_PREFIX", spec.prefix());
        env.put("EIC_INPUT_BUCKET", spec.names().inputBucket());
        env.put("EIC_OUTPUT_BUCKET", spec.names().outputBucket());
        env.put("EIC_REQUEST_QUEUE", spec.names().requestQueue());
        env.put("EIC_DEAD_LETTER_QUEUE", spec.names().deadLetterQueue());
        env.put("EIC_CLOUDWATCH_NAMESPACE", DashboardBody.APP_NAMESPACE);
        return env;
    }

    private static String script(Map<String, String> env, String unit) {
        StringBuilder s = new StringBuilder("#!/bin/bash\nset -euo pipefail\ninstall -d -m 0755 /etc/eic\n"
                + "cat > /etc/eic/eic.env <<'EIC_ENV'\n");
        env.forEach((k, v) -> s.append(k).append('=').append(v).append('\n'));
        s.append("EIC_ENV\nsystemctl enable --now ").append(unit).append('\n');
        return s.toString();
    }
}
