package eic.app.worker;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Resolves {@code EIC_MODEL=s3://bucket/prefix/} to a local folder: the TorchScript file and
 * its {@code synset.txt} are copied into the cache once, then loaded like any local path.
 */
public final class ModelFetcher {
    private static final Logger log = LoggerFactory.getLogger(ModelFetcher.class);

    private ModelFetcher() {
    }

    public static boolean isS3(String spec) {
        return spec.startsWith("s3://");
    }

    public static Path fetch(S3Client s3, String spec, Path cacheRoot) throws IOException {
        URI uri = URI.create(spec);
        String bucket = uri.getHost();
        String prefix = uri.getPath().replaceFirst("^/", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        Path target = cacheRoot.resolve("s3-models").resolve(bucket).resolve(prefix.isEmpty() ? "_root" : prefix);
        Files.createDirectories(target);
        String from = prefix;
        int copied = 0;
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(from)).contents()) {
            String name = object.key().substring(from.length());
            if (name.contains("/") || !(name.endsWith(".pt") || name.equals("synset.txt"))) {
                continue;
            }
            Path file = target.resolve(name);
            if (!Files.exists(file) || Files.size(file) != object.size()) {
                Path partial = target.resolve(name + ".partial");
                s3.getObject(b -> b.bucket(bucket).key(object.key()), partial);
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            copied++;
        }
        if (copied == 0) {
            throw new IOException("no .pt or synset.txt under " + spec);
        }
        log.info("model files from {} are in {}", spec, target);
        return target;
    }
}
