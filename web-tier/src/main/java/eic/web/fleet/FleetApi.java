package eic.web.fleet;

import eic.common.aws.StackNames;
import eic.common.messaging.ObjectKeys;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code GET /api/v1/fleet}: the local fleet controller's timeline (current state plus
 * recent samples of q, in-flight, i, desired and actions), which it publishes to the
 * output bucket. On AWS the Auto Scaling group and the CloudWatch dashboard hold this.
 */
@RestController
class FleetApi {
    private final S3Client s3;
    private final StackNames names;

    FleetApi(S3Client s3, StackNames names) {
        this.s3 = s3;
        this.names = names;
    }

    @GetMapping(path = "/api/v1/fleet", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> fleet() {
        try {
            String json = s3.getObjectAsBytes(b -> b.bucket(names.outputBucket()).key(ObjectKeys.FLEET_TIMELINE)).asUtf8String();
            return ResponseEntity.ok().header("Cache-Control", "no-store").body(json);
        } catch (NoSuchKeyException e) {
            return ResponseEntity.ok().body("{\"available\":false,\"reason\":\"no fleet controller has published a "
                    + "timeline here; on AWS see the CloudWatch dashboard\"}");
        }
    }
}
