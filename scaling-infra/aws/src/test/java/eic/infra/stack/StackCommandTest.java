package eic.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import eic.common.config.Env;
import eic.infra.local.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The CLI's plan, deploy, status and destroy on CloudFormation, against moto_server (a
 * maintained AWS emulator, started here): the stack is created through a change set, a
 * second plan has nothing to do, status reads the groups, destroy keeps the data.
 */
class StackCommandTest {
    static MotoServer moto;
    static URI endpoint;

    @BeforeAll
    static void startMoto() throws IOException, InterruptedException {
        moto = MotoServer.start().orElse(null);
        assumeTrue(moto != null, "moto_server is not installed here (it comes with the machine's Python 3.11)");
        endpoint = moto.endpoint();
        // moto takes any credentials; the SDK's default chain finds these.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void planDeployPlanStatusDestroyOnAChangeSetKeepingTheData() throws Exception {
        Env env = env("eic-" + UUID.randomUUID().toString().substring(0, 6));
        String stack = env.get("eic.name-prefix", "");

        String plan = run(StackCommand.Action.plan, false, env);
        assertThat(plan).contains("(new)").contains("+ WorkerGroup").contains("AWS::AutoScaling::AutoScalingGroup")
                .contains("+ ScaleOutAlarm").contains("to add, 0 to change, 0 to remove");
        try (AutoScalingClient autoscaling = AutoScalingClient.builder().endpointOverride(endpoint)
                .region(Region.US_EAST_1).build()) {
            assertThat(autoscaling.describeAutoScalingGroups().autoScalingGroups())
                    .as("a plan creates nothing").noneMatch(g -> g.autoScalingGroupName().equals(stack + "-workers"));

            String deploy = run(StackCommand.Action.deploy, false, env);
            assertThat(deploy).contains("WorkerGroup").contains("CREATE_COMPLETE")
                    .endsWith("stack " + stack + ": CREATE_COMPLETE\n");
            var group = autoscaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(stack + "-workers"))
                    .autoScalingGroups().get(0);
            assertThat(group.minSize()).isEqualTo(1);
            assertThat(group.maxSize()).isEqualTo(20);
        }

        assertThat(run(StackCommand.Action.plan, false, env)).as("deployed: nothing to do")
                .contains("stack " + stack + ": no changes");

        String status = run(StackCommand.Action.status, false, env);
        // (moto returns no stack outputs; on AWS status prints them, the service's URL among them)
        assertThat(status).contains("stack " + stack + ": CREATE_COMPLETE")
                .contains("WorkerGroup " + stack + "-workers: desired 1 (1..20), 1 ready, 0 warming")
                .contains("InService").contains("requests: 0 waiting")
                // moto does not speak the SDK's CloudWatch protocol (CBOR): the line says so, and status goes on
                .contains("alarms: ");

        String destroy = run(StackCommand.Action.destroy, false, env);
        assertThat(destroy).contains("stack " + stack + ": deleted").contains("kept (retained by the stack)");
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .build()) {
            String kept = s3.listBuckets().buckets().stream().map(b -> b.name()).collect(Collectors.joining(","));
            assertThat(kept).as("the buckets outlive the stack").contains(stack.toLowerCase());
        }
        assertThat(run(StackCommand.Action.status, false, env)).contains("does not exist");
    }

    @Test
    void missingSettingsAreNamedInOneLineExitTwo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = StackCommand.run(StackCommand.Action.plan, false, new Env(Map.of("EIC_AWS_REGION", "us-east-1")),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("EIC_DEPLOY_WORKER_AMI").contains("EIC_DEPLOY_VPC_ID")
                .contains("EIC_DEPLOY_SUBNETS").hasLineCount(1);
        assertThat(StackCommand.run(StackCommand.Action.plan, false, new Env(Map.of()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isEqualTo(2);
    }

    @Test
    void aMistypedDeploySettingIsAnErrorThatNamesTheOneMeant() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("EIC_AWS_REGION", "us-east-1", "EIC_DEPLOY_VPC_ID", "vpc-1",
                "EIC_DEPLOY_SUBNETS", "subnet-1,subnet-2", "EIC_DEPLOY_WORKER_AMI", "ami-1"));
        settings.put("EIC_DEPLOY_CLIENT_CIRD", "203.0.113.0/24"); // would have deployed 0.0.0.0/0
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = StackCommand.run(StackCommand.Action.plan, false, new Env(settings),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                "EIC_DEPLOY_CLIENT_CIRD (did you mean EIC_DEPLOY_CLIENT_CIDR?)").hasLineCount(1);
    }

    @Test
    void theRegionIsTakenWhereAwsToolsLookForItToo() {
        assertThat(StackSettings.region(new Env(Map.of("EIC_AWS_REGION", "eu-west-1", "AWS_REGION", "us-east-2"))))
                .contains("eu-west-1");
        assertThat(StackSettings.region(new Env(Map.of("AWS_REGION", "eu-central-1")))).contains("eu-central-1");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_REGION") == null
                        && System.getProperty("aws.region") == null && System.getenv("AWS_CONFIG_FILE") == null
                        && !java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".aws")),
                "this machine has an AWS region of its own (AWS_REGION, aws.region or ~/.aws)");
        assertThat(StackSettings.region(new Env(Map.of("AWS_DEFAULT_REGION", "ap-south-1")))).contains("ap-south-1");
        assertThat(StackSettings.region(new Env(Map.of()))).isEmpty();
    }

    private static String run(StackCommand.Action action, boolean deleteData, Env env) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = StackCommand.run(action, deleteData, env, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("%s said:%n%s", action, text).isIn(0, action == StackCommand.Action.status ? 1 : 0);
        return text;
    }

    /** A deployment into moto's default VPC, every service through the emulator. */
    private static Env env(String stack) {
        Map<String, String> env = new HashMap<>();
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).build()) {
            String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
            Filter inVpc = Filter.builder().name("vpc-id").values(vpc).build();
            String subnets = ec2.describeSubnets(b -> b.filters(inVpc)).subnets().stream()
                    .map(s -> s.subnetId()).limit(2).collect(Collectors.joining(","));
            env.put("EIC_DEPLOY_VPC_ID", vpc);
            env.put("EIC_DEPLOY_SUBNETS", subnets);
        }
        env.put("EIC_AWS_REGION", "us-east-1");
        env.put("EIC_NAME_PREFIX", stack);
        env.put("EIC_DEPLOY_WORKER_AMI", "ami-12c6146b");
        for (String service : new String[] {"CLOUDFORMATION", "AUTOSCALING", "CLOUDWATCH", "S3", "SQS"}) {
            env.put("EIC_" + service + "_ENDPOINT", endpoint.toString());
        }
        return new Env(env);
    }
}
