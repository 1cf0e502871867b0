package eic.web.classify;

import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.servlet.http.HttpServletRequest;
import eic.web.classify.ClassificationException.Kind;
import eic.web.system.RequestIds;
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

    /** The one mapping from what went wrong, in the service's terms, to an HTTP status. */
    static HttpStatus status(Kind kind) {
        return switch (kind) {
            case MALFORMED -> HttpStatus.BAD_REQUEST;
            case NOT_AN_IMAGE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case BAD_IMAGE -> HttpStatus.UNPROCESSABLE_ENTITY;
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case IN_PROGRESS -> HttpStatus.CONFLICT;
            case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
            case OVERLOADED, UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMED_OUT -> HttpStatus.GATEWAY_TIMEOUT;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    @ExceptionHandler(ClassificationException.class)
    ResponseEntity<?> classification(ClassificationException e, HttpServletRequest request) {
        if (e.requestId() == null) {
            // Turned away before acceptance; an accepted request is counted when it ends.
            stats.outcome(switch (e.kind()) {
                case OVERLOADED -> "overloaded";
                case UNAVAILABLE, TIMED_OUT, INTERNAL -> "error";
                default -> "rejected";
            });
        }
        return respond(status(e.kind()), e.getMessage(), e.requestId(), e.retryAfterSeconds(), request);
    }

    /** One plain line on the classic {@code POST /}, problem details under {@code /api/}. */
    private static ResponseEntity<?> respond(HttpStatus status, String message, String requestId,
                                             long retryAfterSeconds, HttpServletRequest request) {
        boolean api = isApi(request);
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status)
                .contentType(api ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.TEXT_PLAIN);
        if (requestId != null && !requestId.equals(request.getAttribute(RequestIds.ATTRIBUTE))) {
            builder.header("X-Request-Id", requestId); // the door's header (RequestIds) names this request already
        }
        if (retryAfterSeconds > 0) {
            builder.header("Retry-After", Long.toString(retryAfterSeconds));
        }
        if (!api) {
            return builder.body(message + "\n");
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        return builder.body(problem);
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
        return classification(new ClassificationException(Kind.TOO_LARGE, "the image is larger than "
                + "the limit of " + (e.getMaxUploadSize() > 0 ? e.getMaxUploadSize() + " bytes" : "this service")),
                request);
    }

    @ExceptionHandler({MultipartException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<?> notMultipart(Exception e, HttpServletRequest request) {
        return classification(new ClassificationException(Kind.MALFORMED,
                "send the image as multipart/form-data in field '" + (isApi(request) ? "file" : "myfile") + "'"), request);
    }

    /** The buckets or the queue did not answer: nothing was accepted, and it is not the client's fault. */
    @ExceptionHandler(SdkException.class)
    ResponseEntity<?> storageUnavailable(SdkException e, HttpServletRequest request) {
        log.warn("storage or queue unavailable: {}", e.getMessage());
        return classification(new ClassificationException(Kind.UNAVAILABLE,
                "the service's storage or queue is unavailable; nothing was accepted, try again shortly", null, 5),
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<?> unexpected(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse framework) {
            // Spring MVC's own client errors (unknown path, wrong method, ...) keep their status.
            HttpStatus status = HttpStatus.valueOf(framework.getStatusCode().value());
            stats.outcome(status.is4xxClientError() ? "rejected" : "error");
            return respond(status, status.value() + " " + status.getReasonPhrase() + ": " + request.getMethod() + " "
                    + request.getRequestURI(), null, 0, request);
        }
        log.error("unexpected error", e);
        return classification(new ClassificationException(Kind.INTERNAL,
                "internal error; the request was not completed"), request);
    }

    private static boolean isApi(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/api/");
    }
}
