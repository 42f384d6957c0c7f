package dev.bastion.gateway.cluster.audit;

import dev.bastion.gateway.testing.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A sequencer in a child JVM ({@link SequencerChild}) that a test starts, watches, kills with SIGKILL or stops. */
final class SequencerProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private SequencerProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts one on {@code config} with its data in {@code dataDir}; {@code pgPassword} goes to PG_TEST_PASSWORD. */
    static SequencerProcess start(Path config, Path dataDir, String name, String pgPassword) {
        Path output = config.resolveSibling("sequencer-" + name + ".log");
        ProcessBuilder b = TestKafka.javaProcess(List.of(SequencerChild.class.getName(), config.toString(),
                dataDir.toString()), output);
        b.environment().put("PG_TEST_PASSWORD", pgPassword);
        try {
            return new SequencerProcess(b.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until it leads (holds the lease, the tree checked); fails with its output when it does not in time. */
    void awaitLeading(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!output().contains("leading=true")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the sequencer did not lead within " + millis + " ms:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    /** SIGSTOP: the process stands still (a long pause) holding what it holds, until {@link #resume()}. */
    void pause() throws Exception {
        signal("-STOP");
    }

    /** SIGCONT. */
    void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill " + signal + " failed");
        }
    }

    /** Waits until its output contains {@code text}; fails with the output when it does not in time. */
    void awaitOutput(String text, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within " + millis + " ms:\n" + output());
            }
            Thread.sleep(50);
        }
    }

    /** SIGKILL, as a crash: no shutdown hook, no final checkpoint, its sessions cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook closes the sequencer (a final checkpoint); returns its exit code (143). */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the sequencer did not stop within 30 s:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
