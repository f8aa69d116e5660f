package io.callstream.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's Chromium, headless, with a fresh profile per call ({@code .ci/run} installs it; a missing
 * browser fails the test that needs it).
 */
final class HeadlessChromium {

    private HeadlessChromium() {}

    /** The page's DOM after its scripts ran for {@code millis} of virtual time. */
    static String dumpDom(String url, Path profile, int millis) throws IOException, InterruptedException {
        return run(profile, List.of("--virtual-time-budget=" + millis, "--dump-dom", url));
    }

    /** A screenshot of the page after {@code millis} of virtual time. */
    static void screenshot(String url, Path profile, Path png, int millis) throws IOException, InterruptedException {
        run(
                profile,
                List.of(
                        "--virtual-time-budget=" + millis,
                        "--window-size=1400,1600",
                        "--screenshot=" + png.toAbsolutePath(),
                        url));
    }

    private static String run(Path profile, List<String> arguments) throws IOException, InterruptedException {
        String browser = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        List<String> command = new ArrayList<>(List.of(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(profile).toAbsolutePath()));
        command.addAll(arguments);
        io.callstream.testkit.BoundedProcess.Result result;
        try {
            result = io.callstream.testkit.BoundedProcess.run(
                    new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD),
                    java.time.Duration.ofMinutes(2));
        } catch (IOException e) {
            throw new AssertionError("Chromium is not installed (apt-get install chromium; .ci/run does this)", e);
        }
        if (result.exitCode() != 0) {
            throw new AssertionError("Chromium exited with " + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }
}
