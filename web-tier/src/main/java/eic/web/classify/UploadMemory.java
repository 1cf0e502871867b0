package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.web.system.WebProperties;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * A bound on upload bytes held in the heap at once. Multipart parts are spooled to disk by
 * the servlet container; an image is read into memory only under a reservation, and
 * released once it is stored, so many concurrent large uploads wait at the door (503 +
 * Retry-After) instead of exhausting the heap.
 */
@Component
public class UploadMemory {
    private static final int KIB = 1024;

    private final Semaphore kibibytes;
    private final int capacityKib;

    public UploadMemory(WebProperties properties) {
        this.capacityKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, properties.uploadMemoryBytes() / KIB));
        this.kibibytes = new Semaphore(capacityKib);
    }

    /** A reservation for {@code bytes}; close it when the bytes are no longer held. */
    public Reservation reserve(long bytes) {
        int kib = (int) Math.min(capacityKib, Math.max(1, (bytes + KIB - 1) / KIB));
        if (!kibibytes.tryAcquire(kib)) {
            throw new ClassificationException(Kind.OVERLOADED,
                    "too many uploads are being received at once; try again shortly", null, 1);
        }
        return new Reservation(kib);
    }

    public final class Reservation implements AutoCloseable {
        private final int kib;
        private boolean released;

        private Reservation(int kib) {
            this.kib = kib;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                kibibytes.release(kib);
            }
        }
    }
}
