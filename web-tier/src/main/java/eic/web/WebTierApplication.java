package eic.web;

import javax.imageio.ImageIO;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WebTierApplication {
    public static void main(String[] args) {
        // The WebP and TIFF readers are nested jars of this executable jar: registered through the class
        // loader that sees them (the launcher's, this thread's context), before any request reads a header.
        ImageIO.scanForPlugins();
        SpringApplication.run(WebTierApplication.class, args);
    }
}
