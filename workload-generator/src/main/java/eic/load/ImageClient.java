package eic.load;

import java.io.IOException;

/** One way of asking the service for a label: the classic contract or the async API. */
public interface ImageClient {
    ClassicClient.Answer classify(String fileName, byte[] image) throws IOException, InterruptedException;
}
