package dev.bastion.gateway.testing;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A LangChain4j stream handler that keeps every partial text and completes with the final response or the error. */
public final class StreamedAnswer implements StreamingChatResponseHandler {
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    private int pieces;
    private long firstPieceNanos;

    @Override
    public void onPartialResponse(String text) {
        synchronized (partial) {
            if (pieces++ == 0) {
                firstPieceNanos = System.nanoTime();
            }
            partial.append(text);
        }
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    /** Waits for the end of the stream; an error the client reported is thrown. */
    public ChatResponse await(long seconds) throws Exception {
        return done.get(seconds, TimeUnit.SECONDS);
    }

    /** How many partial texts arrived. */
    public int pieces() {
        synchronized (partial) {
            return pieces;
        }
    }

    /** {@link System#nanoTime()} when the first partial text arrived; 0 before it. */
    public long firstPieceNanos() {
        synchronized (partial) {
            return firstPieceNanos;
        }
    }

    /** The partial texts joined, in the order they arrived. */
    public String partialText() {
        synchronized (partial) {
            return partial.toString();
        }
    }
}
