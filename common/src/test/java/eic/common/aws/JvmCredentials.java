package eic.common.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * For product code that a test runs in its own JVM (the web tier's context, a worker on a
 * thread) and that, as on AWS, takes its credentials from the default provider chain: the
 * identity a process of the local stack would find in its environment, put where that chain
 * reads it in this JVM. Test support only; the product never sets these.
 */
public final class JvmCredentials {
    /** The identity moto accepts (any would do; this is the one its documentation uses). */
    public static final AwsBasicCredentials MOTO = AwsBasicCredentials.create("test", "test");

    private JvmCredentials() {
    }

    public static void use(AwsBasicCredentials identity) {
        System.setProperty("aws.accessKeyId", identity.accessKeyId());
        System.setProperty("aws.secretAccessKey", identity.secretAccessKey());
    }
}
