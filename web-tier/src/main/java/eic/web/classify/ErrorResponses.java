package eic.web.classify;

import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every error mapped in one place, never with a stack trace: one plain line on the classic
 * {@code POST /}, RFC 9457 problem details (JSON) under {@code /api/}.
 */
@RestControllerAdvice
class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private final RequestStats stats;

    ErrorResponses(RequestStats stats) {
        this.stats = stats;
    }

    @ExceptionHandler(ClassificationException.class)
    ResponseEntity<?> classification(ClassificationException e, HttpServletRequest request) {
        if (e.requestId() == null) {
            // Turned away before acceptance; an accepted request is counted when it ends.
            stats.outcome(outcomeOf(e.status()));
        }
        if (isApi(request)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
            if (e.requestId() != null) {
                problem.setProperty("requestId", e.requestId());
            }
            ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON);
            if (e.retryAfterSeconds() > 0) {
                builder.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            }
            return builder.body(problem);
        }
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status()).contentType(MediaType.TEXT_PLAIN);
        if (e.requestId() != null) {
            builder.header("X-Request-Id", e.requestId());
        }
        if (e.retryAfterSeconds() > 0) {
            builder.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        return builder.body(e.getMessage() + "\n");
    }

    @ExceptionHandler(CompletionException.class)
    ResponseEntity<?> completion(CompletionException e, HttpServletRequest request) {
        if (e.getCause() instanceof ClassificationException ce) {
            return classification(ce, request);
        }
        return unexpected(e, request);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<?> tooLarge(MaxUploadSizeExceededException e, HttpServletRequest request) {
        return classification(new ClassificationException(HttpStatus.PAYLOAD_TOO_LARGE, "the image is larger than "
                + "the limit of " + (e.getMaxUploadSize() > 0 ? e.getMaxUploadSize() + " bytes" : "this service")),
                request);
    }

    @ExceptionHandler({MultipartException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<?> notMultipart(Exception e, HttpServletRequest request) {
        return classification(new ClassificationException(HttpStatus.BAD_REQUEST,
                "send the image as multipart/form-data in field '" + (isApi(request) ? "file" : "myfile") + "'"), request);
    }

    /** The buckets or the queue did not answer: nothing was accepted, and it is not the client's fault. */
    @ExceptionHandler(SdkException.class)
    ResponseEntity<?> storageUnavailable(SdkException e, HttpServletRequest request) {
        log.warn("storage or queue unavailable: {}", e.getMessage());
        return classification(new ClassificationException(HttpStatus.SERVICE_UNAVAILABLE,
                "the service's storage or queue is unavailable; nothing was accepted, try again shortly", null, 5),
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<?> unexpected(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse framework) {
            // Spring MVC's own client errors (unknown path, wrong method, ...) keep their status.
            HttpStatus status = HttpStatus.valueOf(framework.getStatusCode().value());
            return classification(new ClassificationException(status, status.value() + " " + status.getReasonPhrase()
                    + ": " + request.getMethod() + " " + request.getRequestURI()), request);
        }
        log.error("unexpected error", e);
        return classification(new ClassificationException(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal error; the request was not completed"), request);
    }

    private static String outcomeOf(HttpStatus status) {
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            return "overloaded";
        }
        return status.is4xxClientError() ? "rejected" : "error";
    }

    private static boolean isApi(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/api/");
    }
}
