package io.callstream.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A page in a real headless Chromium, driven as a user would over the DevTools protocol (Java's own
 * WebSocket client; no driver library): evaluate script in the page (select a filter, click a
 * link), wait for what it shows, take a screenshot.
 */
final class ChromiumPage implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process browser;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private ChromiumPage(Process browser, WebSocket socket) {
        this.browser = browser;
        this.socket = socket;
    }

    static ChromiumPage open(String url, Path profile) throws Exception {
        Path directory = Files.createDirectories(profile).toAbsolutePath();
        Files.deleteIfExists(directory.resolve("DevToolsActivePort"));
        String executable = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        Process browser;
        try {
            browser = new ProcessBuilder(List.of(
                            executable,
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--no-first-run",
                            "--window-size=1400,1600",
                            "--remote-debugging-port=0",
                            "--user-data-dir=" + directory,
                            "about:blank"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("Chromium is not installed (apt-get install chromium; .ci/run does this)", e);
        }
        Path active = directory.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
            if (Instant.now().isAfter(deadline) || !browser.isAlive()) {
                browser.destroyForcibly();
                throw new AssertionError("Chromium did not open its DevTools port");
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(active).getFirst().trim());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode pages = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        String pageSocket = null;
        for (JsonNode page : pages) {
            if (page.path("type").asText().equals("page")) {
                pageSocket = page.get("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (pageSocket == null) {
            browser.destroyForcibly();
            throw new AssertionError("Chromium has no page to drive: " + pages);
        }
        ChromiumPage[] self = new ChromiumPage[1];
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
                    private final StringBuilder message = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        message.append(data);
                        if (last) {
                            self[0].received(message.toString());
                            message.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        ChromiumPage page = new ChromiumPage(browser, socket);
        self[0] = page;
        page.call("Page.enable", JSON.createObjectNode());
        ObjectNode navigate = JSON.createObjectNode();
        navigate.put("url", url);
        page.call("Page.navigate", navigate);
        return page;
    }

    private void received(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            if (message.has("id")) {
                CompletableFuture<JsonNode> waiting =
                        pending.remove(message.get("id").asInt());
                if (waiting != null) {
                    waiting.complete(message);
                }
            }
        } catch (IOException e) {
            // not a protocol message
        }
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode request = JSON.createObjectNode();
        request.put("id", id);
        request.put("method", method);
        request.set("params", params);
        socket.sendText(JSON.writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
        JsonNode message = answer.get(60, TimeUnit.SECONDS);
        if (message.has("error")) {
            throw new AssertionError(method + " failed: " + message.get("error"));
        }
        return message.get("result");
    }

    /** The value of a script expression in the page (promises awaited). */
    JsonNode evaluate(String expression) throws Exception {
        ObjectNode params = JSON.createObjectNode();
        params.put("expression", expression);
        params.put("returnByValue", true);
        params.put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Waits until the expression is true in the page. */
    void await(String expression, Duration atMost) throws Exception {
        Instant deadline = Instant.now().plus(atMost);
        while (true) {
            try {
                if (evaluate("Boolean(" + expression + ")").asBoolean()) {
                    return;
                }
            } catch (AssertionError notYet) {
                // e.g. an element not drawn yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not true within " + atMost + ": " + expression + "\npage text:\n"
                        + evaluate("document.body.innerText").asText());
            }
            Thread.sleep(200);
        }
    }

    void screenshot(Path png) throws Exception {
        JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode());
        Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser goes anyway
        }
        browser.destroy();
        try {
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        } catch (InterruptedException e) {
            browser.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
