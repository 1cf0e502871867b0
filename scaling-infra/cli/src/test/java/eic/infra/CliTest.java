package eic.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The command line's contract: help and usage, exit codes 0/1/2, one line for an AWS failure. */
class CliTest {
    @Test
    void helpIsZeroAndUnknownCommandsAreTwo() {
        assertThat(cli().execute("--help")).isZero();
        assertThat(cli().execute("aws", "template", "--help")).isZero();
        assertThat(cli().execute("aws", "bogus")).isEqualTo(2);
        assertThat(cli().execute()).isEqualTo(2);
    }

    @Test
    void theTemplateNeedsNoCredentials() {
        assertThat(printedBySuccess("aws", "template")).contains("\"AWSTemplateFormatVersion\"")
                .contains("AWS::AutoScaling::ScalingPolicy");
    }

    @Test
    void theSdkBenchmarkMakesEachCallItReportsThroughBothSetsOfClients() {
        var rows = printedBySuccess("sdk-bench", "--calls", "20").lines()
                .filter(l -> l.startsWith("sdk-defaults ") || l.startsWith("project ")).toList();
        assertThat(rows).hasSize(14).allSatisfy(row -> assertThat(row).contains(" CPU-ms"));
        assertThat(rows).filteredOn(row -> row.startsWith("project ")).extracting(row -> row.substring(14, 44).trim())
                .containsExactly("S3 PutObject 1 KB", "S3 GetObject 1 KB", "S3 GetObject missing", "SQS SendMessage 1 KB",
                        "SQS SendMessageBatch 10 x 1 KB", "SQS ReceiveMessage 10", "SQS DeleteMessageBatch 10");
    }

    @Test
    void anAwsFailureIsOneLineMissingCredentialsExitTwo() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine command = cli();
        command.setErr(new PrintWriter(err, true));
        int code = Cli.awsFailure(SdkClientException.create("Unable to load credentials from any of the providers\n"
                + "in the chain"), command, null);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("no AWS credentials: Unable to load credentials").hasLineCount(1);
        assertThat(Cli.awsFailure(SdkClientException.create("Connection refused"), command, null)).isEqualTo(1);
    }

    /** What the command prints on System.out (where its commands print), after asserting it exits 0. */
    private static String printedBySuccess(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(cli().execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static CommandLine cli() {
        return new CommandLine(new Cli()).setExecutionExceptionHandler(Cli::awsFailure);
    }
}
