package io.callstream.platform.notify;

import io.callstream.platform.CallstreamCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./callstream notify}: delivers alert transitions to the configured receivers, alone. */
@Command(
        name = "notify",
        mixinStandardHelpOptions = true,
        description = "Delivers alert transitions (call-alerts) to webhook, Alertmanager, DingTalk, WeCom and Feishu"
                + " receivers configured in a file (see README); runs until Ctrl-C, resuming where it stopped.")
public final class NotifyCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The receivers (YAML, see README).")
    Path config;

    @CommandLine.Mixin
    CallstreamCommand.PlatformAddress platform = new CallstreamCommand.PlatformAddress();

    @Override
    public Integer call() throws InterruptedException {
        NotifyConfig receivers = NotifyConfig.read(config, System.getenv());
        Notifier notifier = Notifier.start(
                receivers,
                platform.bootstrapServers,
                platform.schemaRegistryUrl,
                line -> System.out.println("  " + line));
        CallstreamCommand.runUntilStopped("notify", notifier::close);
        return 0;
    }
}
