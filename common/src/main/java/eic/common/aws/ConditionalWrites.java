package eic.common.aws;

import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one reading of a conditional S3 write that lost ({@code If-None-Match: *} on a key that
 * exists, {@code If-Match} on one that changed): 412 Precondition Failed, or 409 when a
 * concurrent conditional write to the same key is in progress. S3 and S3Proxy answer the same.
 */
public final class ConditionalWrites {
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONDITIONAL_CONFLICT = 409;

    private ConditionalWrites() {
    }

    /** True when {@code e} says another writer came first: the write was refused, not failed. */
    public static boolean refused(Throwable e) {
        return e instanceof S3Exception s3 && (s3.statusCode() == PRECONDITION_FAILED
                || s3.statusCode() == CONDITIONAL_CONFLICT);
    }
}
