package eic.system;

import eic.load.ClassicClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.Messages;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * What users and operators touch, on the running local stack: the JSON API's bounded
 * wait, the upload form in a real headless Chromium (three images, their labels), and the
 * ops page during a burst. Screenshots land in target/screenshots/ (docs/screenshots/
 * holds copies). The browser parts skip, saying why, where Chromium cannot be installed.
 */
class WebProductIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static LocalStack stack;
    static Path images;

    @BeforeAll
    static void start(@TempDir Path dataDir, @TempDir Path imageDir) throws Exception {
        stack = TestStacks.autoscaling(dataDir, 3);
        images = imageDir;
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theJsonApiWithABoundedWaitAnswersInTheSameCall() throws Exception {
        Random random = new Random(11);
        ShapeImages.Sample one = ShapeImages.random(random, 64, 300);
        ShapeImages.Sample two = ShapeImages.random(random, 64, 300);
        String boundary = "eic-it";
        byte[] body = concat(ClassicClient.multipartPart(boundary, "file", "one.png", ShapeImages.png(one.image())),
                ClassicClient.multipartPart(boundary, "file", "two.png", ShapeImages.png(two.image())),
                ("--" + boundary + "--\r\n").getBytes());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stack.webUrl() + "/api/v1/classifications?wait=30s"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode items = Messages.json().readTree(response.body()).path("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).path("label").asText()).isEqualTo(one.label());
        assertThat(items.get(1).path("label").asText()).isEqualTo(two.label());
        for (JsonNode item : items) {
            assertThat(item.path("status").asText()).isEqualTo("done");
            assertThat(item.path("model").asText()).isEqualTo("shapes");
            assertThat(item.path("top5")).hasSize(5);
            assertThat(item.path("timings").path("inferenceMs").isNumber()).isTrue();
        }
        JsonNode info = Messages.json().readTree(get("/api/v1/info"));
        assertThat(info.path("model").path("name").asText()).isEqualTo("shapes");
        assertThat(info.path("model").path("source").asText()).isEqualTo("worker announcement");
    }

    @Test
    void theUploadFormShowsTheLabelsOfThreeImagesAndTheErrorOfAFileThatIsNone() throws Exception {
        Map<String, String> truth = new LinkedHashMap<>();
        Random random = new Random(3);
        while (truth.size() < 3) {
            ShapeImages.Sample sample = ShapeImages.random(random, 96, 320);
            if (truth.containsValue(sample.label())) {
                continue; // three different labels make a telling picture
            }
            Path file = images.resolve("form-" + truth.size() + ".png");
            Files.write(file, ShapeImages.png(sample.image()));
            truth.put(file.getFileName().toString(), sample.label());
        }
        Path notAnImage = images.resolve("notes.png");
        Files.writeString(notAnImage, "these are notes, not a picture");
        WebDriver browser = browser();
        try {
            browser.get(stack.webUrl() + "/");
            List<String> files = new ArrayList<>(truth.keySet().stream().map(name -> images.resolve(name).toString())
                    .toList());
            files.add(notAnImage.toString());
            browser.findElement(By.id("files")).sendKeys(String.join("\n", files));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    browser.findElements(By.cssSelector(".card[data-status='done']")).size() == 3
                            && browser.findElements(By.cssSelector(".card[data-status='error']")).size() == 1);
            Map<String, String> shown = new HashMap<>();
            for (WebElement card : browser.findElements(By.cssSelector(".card[data-status='done']"))) {
                shown.put(card.findElement(By.className("name")).getText(), card.findElement(By.className("label")).getText());
            }
            assertThat(shown).isEqualTo(truth);
            WebElement refused = browser.findElement(By.cssSelector(".card[data-status='error']"));
            assertThat(refused.findElement(By.className("name")).getText()).isEqualTo("notes.png");
            assertThat(refused.findElement(By.className("label")).getText())
                    .isEqualTo("not a JPEG, PNG, GIF, BMP, WebP or TIFF image (judged by its first bytes)");
            await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("model")).getText()
                    .contains("shapes"));
            screenshot(browser, "upload-form.png");
        } finally {
            browser.quit();
        }
    }

    @Test
    void theOpsPageChartsTheFleetDuringABurst() throws Exception {
        WebDriver browser = browser();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            browser.get(stack.webUrl() + "/ops");
            ClassicClient client = new ClassicClient(URI.create(stack.webUrl() + "/"), Duration.ofSeconds(120));
            Random random = new Random(77);
            List<String> truth = new ArrayList<>();
            List<byte[]> pngs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                // large images keep the queue non-empty for a few controller periods
                ShapeImages.Sample sample = ShapeImages.random(random, 1600, 2400);
                truth.add(sample.label());
                pngs.add(ShapeImages.png(sample.image()));
            }
            // all at once, as a burst: made one by one they would trickle in and never queue up
            List<Future<ClassicClient.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < pngs.size(); i++) {
                String name = "ops-" + i + ".png";
                byte[] png = pngs.get(i);
                answers.add(pool.submit(() -> client.classify(name, png)));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    number(browser, "t-desired") > 1 && points(browser, "chart-fleet", "queued") >= 3);
            screenshot(browser, "ops-burst.png");
            List<String> mistakes = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                ClassicClient.Answer answer = answers.get(i).get();
                assertThat(answer.status()).as("request %d: %s", i, answer.body()).isEqualTo(200);
                if (!answer.body().equals(truth.get(i))) {
                    mistakes.add(i + ": " + truth.get(i) + " seen as " + answer.body());
                }
            }
            // Every request is answered; the labels need only be as good as the model (these images are
            // larger than the 32-512 px it is specified for; PipelineIT checks every label at that size).
            assertThat(mistakes).as("wrong labels").hasSizeLessThanOrEqualTo(3);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    points(browser, "chart-rate", "answers/s") > 0 && !browser.findElement(By.id("t-p50")).getText()
                            .equals("–"));
        } finally {
            pool.shutdownNow();
            browser.quit();
        }
    }

    private static WebDriver browser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no headless browser: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed; "
                        + "scripts/install-test-tools.sh installs Debian's chromium and chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The flags that keep Chromium from reaching for the network it does not have here.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400", "--user-data-dir=" + Files.createTempDirectory("eic-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static int number(WebDriver browser, String id) {
        String text = browser.findElement(By.id(id)).getText();
        return text.matches("\\d+") ? Integer.parseInt(text) : -1;
    }

    private static int points(WebDriver browser, String chart, String series) {
        List<WebElement> lines = browser.findElements(By.cssSelector("#" + chart + " polyline[data-series='"
                + series + "']"));
        return lines.isEmpty() ? 0 : Integer.parseInt(lines.get(0).getDomAttribute("data-points"));
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static String get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.webUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
