package dev.bastion.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.SigningAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelGateTest {
    @TempDir
    Path dir;

    @Test
    void signedModelsPassTamperedAndUnsignedOnesAreRefusedUnderTheRequirement() throws Exception {
        Path model = dir.resolve("m.safetensors");
        byte[] h = "{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}".getBytes();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + h.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(new byte[] {1, 2, 3, 4});
        Files.write(model, b.array());
        KeyPair k = ModelKeys.generate(SigningAlgorithm.ED25519);
        ModelGate.Policy strict = new ModelGate.Policy(true, List.of(k.getPublic()));
        ModelGate.Policy lenient = new ModelGate.Policy(false, List.of());
        assertThat(ModelGate.check(model, lenient)).isInstanceOf(ModelGate.Admission.Admitted.class);
        assertThat(((ModelGate.Admission.Refused) ModelGate.check(model, strict)).reason()).contains("not signed");
        ModelSigning.sign(model, k.getPrivate(), k.getPublic(), ModelSigning.defaultSignaturePath(model), List.of());
        assertThat(ModelGate.check(model, strict)).isInstanceOf(ModelGate.Admission.Admitted.class);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 1;
        Files.write(model, bytes);
        assertThat(((ModelGate.Admission.Refused) ModelGate.check(model, strict)).reason()).contains("changed: .");
        // a signature present but from an unknown key is refused even without the requirement
        assertThat(ModelGate.check(model, lenient)).isInstanceOf(ModelGate.Admission.Refused.class);
    }

    @Test
    void aModelThatFailsItsScanIsRefusedWithTheFinding() throws Exception {
        Path evil = dir.resolve("evil.pkl");
        Files.write(evil, new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', '.'});
        ModelGate.Admission a = ModelGate.check(evil, new ModelGate.Policy(false, List.of()));
        assertThat(((ModelGate.Admission.Refused) a).reason()).contains("os.system");
        assertThat(ModelGate.check(dir.resolve("absent.gguf"), new ModelGate.Policy(false, List.of())))
                .isInstanceOf(ModelGate.Admission.Refused.class);
    }
}
