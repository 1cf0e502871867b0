package eic.common.messaging;

import java.time.Instant;

/**
 * What a worker says about itself when it is ready, written to
 * {@link ObjectKeys#SERVING_MODEL}: the web tier tells users and operators which model
 * answers them from this, not from its own configuration, which could differ.
 *
 * @param model       the model's name, as in each reply ({@code shapes}, {@code resnet18}, ...)
 * @param description one line for people, e.g. that a model's labels are meaningless
 */
public record ModelAnnouncement(String model, String description, String workerId, Instant announcedAt) {
}
