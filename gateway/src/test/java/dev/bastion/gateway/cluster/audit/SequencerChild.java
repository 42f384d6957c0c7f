package dev.bastion.gateway.cluster.audit;

import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.config.LoadedConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main of a sequencer in a child JVM (what {@code bastion audit sequencer} runs), so that a test can kill it
 * with SIGKILL. Arguments: the config file and the data directory. Prints its progress as lines
 * {@code sequencer: leading=... tree=... offset=... appended=... duplicates=...} when it changes, and
 * {@code sequencer: ended OUTCOME} at the end; SIGTERM closes it cleanly.
 */
public final class SequencerChild {
    private SequencerChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path config = Path.of(args[0]).toAbsolutePath();
        LoadedConfig loaded = ConfigLoader.load(Optional.of(config), config.getParent(), System.getenv(),
                Map.of("data-dir", args[1]), config.getParent());
        AtomicReference<Sequencer> current = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Sequencer s = current.get();
            if (s != null) {
                s.close();
            }
            try {
                ended.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread.ofPlatform().daemon().start(() -> {
            String last = "";
            while (true) {
                Sequencer s = current.get();
                if (s != null) {
                    Sequencer.Progress p = s.progress();
                    String line = "sequencer: leading=" + p.leading() + " tree=" + p.treeSize() + " offset=" + p.offset()
                            + " appended=" + p.appended() + " duplicates=" + p.duplicates();
                    if (!line.equals(last)) {
                        System.out.println(line);
                        last = line;
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Sequencer.Outcome outcome = Sequencer.runFromConfig(loaded.config(), System.getenv(), Clock.systemUTC(), current::set);
        System.out.println("sequencer: ended " + outcome);
        ended.countDown();
    }
}
