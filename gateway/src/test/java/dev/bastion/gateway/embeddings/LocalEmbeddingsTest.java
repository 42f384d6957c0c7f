package dev.bastion.gateway.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalEmbeddingsTest {
    private static final LocalEmbeddings MODEL = new LocalEmbeddings(8);

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() {
        LocalEmbeddings.Result r = MODEL.embed(List.of("The cat sits on the mat", "A cat is sitting on a mat",
                "Quarterly revenue rose by 4%")).orElseThrow();
        assertThat(r.vectors()).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(LocalEmbeddings.DIMENSIONS));
        assertThat(cosine(r.vectors().get(0), r.vectors().get(1))).isGreaterThan(cosine(r.vectors().get(0), r.vectors().get(2)) + 0.2);
        assertThat(r.promptTokens()).isPositive();
        double norm = 0;
        for (float f : r.vectors().get(0)) {
            norm += f * f;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void sameTextGivesTheSameVector() {
        float[] a = MODEL.embed(List.of("deterministic")).orElseThrow().vectors().getFirst();
        float[] b = MODEL.embed(List.of("deterministic")).orElseThrow().vectors().getFirst();
        assertThat(a).containsExactly(b);
    }

    @Test
    void emptyAndTooManyInputsAreRefusedWithoutEchoingText() {
        assertThatThrownBy(() -> MODEL.embed(List.of("ok", ""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> MODEL.embed(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9-secret")))
                .hasMessageContaining("between 1 and 8").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> MODEL.embed(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void base64EncodingDecodesToTheSameFloats() {
        float[] v = {1.5f, -0.25f, 3.0e-7f};
        ObjectNode json = EmbeddingsResponse.toJson(List.of(v), 3, "m", true);
        assertThat(EmbeddingsResponse.decode(json.at("/data/0/embedding").asText())).containsExactly(v);
        ObjectNode floats = EmbeddingsResponse.toJson(List.of(v), 3, "m", false);
        assertThat(floats.at("/data/0/embedding/1").floatValue()).isEqualTo(-0.25f);
        assertThat(floats.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        assertThat(floats.at("/object").asText()).isEqualTo("list");
    }

    /**
     * A scanner's vector is the endpoint's vector, and a scanner waits for a slot where the endpoint goes without:
     * with every slot taken, {@code embed} answers empty at once while {@code encodeForScanner} returns the vector as
     * soon as a slot is free (round fifteen: the injection verdict must not depend on load).
     */
    @Test
    void aScannerWaitsForASlotWhereTheEndpointGoesWithout() throws Exception {
        LocalEmbeddings model = new LocalEmbeddings(1);
        float[] viaEndpoint = model.embed(List.of("route this request")).orElseThrow().vectors().getFirst();
        assertThat(model.encodeForScanner("route this request")).containsExactly(viaEndpoint);

        java.util.concurrent.Semaphore held = model.slots();
        int slots = held.availablePermits();
        held.acquire(slots);
        java.util.concurrent.CompletableFuture<float[]> waiting = new java.util.concurrent.CompletableFuture<>();
        Thread scanner = Thread.ofVirtual().start(() -> waiting.complete(model.encodeForScanner("route this request")));
        try {
            assertThat(model.embed(List.of("route this request"))).isEmpty();
            Thread.sleep(100);
            assertThat(waiting).isNotDone();
        } finally {
            held.release(slots);
        }
        assertThat(waiting.get(30, java.util.concurrent.TimeUnit.SECONDS)).containsExactly(viaEndpoint);
        scanner.join();
        assertThat(held.availablePermits()).isEqualTo(slots);
        assertThatThrownBy(() -> model.encodeForScanner("")).hasMessageContaining("empty");
    }
}
