package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {
    @TempDir
    Path dir;

    @Test
    void keygenSignVerifyTamperScanAndBomFromTheCommandLineAllAudited() throws Exception {
        String dd = dir.resolve("data").toString();
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("weights.bin"), "not a pickle, just bytes");
        Files.writeString(model.resolve("config.json"), "{}");
        Object[] keygen = KeysCommandTest.run("model", "keygen", "--data-dir", dd, "--out", dir.resolve("keys").toString(),
                "--algorithm", "ecdsa-p256");
        assertThat(keygen[0]).as((String) keygen[2]).isEqualTo(0);
        String key = dir.resolve("keys/model-signing.key").toString();
        String pub = dir.resolve("keys/model-signing.pub").toString();
        assertThat(KeysCommandTest.run("model", "sign", "--data-dir", dd, model.toString(), "--key", key)[0]).isEqualTo(0);
        Object[] ok = KeysCommandTest.run("model", "verify", "--data-dir", dd, model.toString(), "--key", pub);
        assertThat(ok[0]).isEqualTo(0);
        assertThat((String) ok[1]).contains("verified: 2 file(s)").contains("ecdsa-p256");
        Files.writeString(model.resolve("config.json"), "{\"evil\": true}");
        Object[] bad = KeysCommandTest.run("model", "verify", "--data-dir", dd, model.toString(), "--key", pub);
        assertThat(bad[0]).isEqualTo(1);
        assertThat((String) bad[1]).contains("NOT verified").contains("changed: config.json");
        Files.write(model.resolve("evil.pkl"), new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't',
            'e', 'm', '\n', '.'});
        Object[] scan = KeysCommandTest.run("model", "scan", "--data-dir", dd, model.toString());
        assertThat(scan[0]).isEqualTo(1);
        assertThat((String) scan[1]).contains("unsafe evil.pkl: global: imports os.system").contains("scan FAILED");
        Object[] bom = KeysCommandTest.run("model", "bom", "--data-dir", dd, model.toString(), "--key", pub);
        assertThat(bom[0]).isEqualTo(0);
        assertThat((String) bom[1]).contains("\"specVersion\" : \"1.6\"").contains("machine-learning-model");
        Object[] audit = KeysCommandTest.run("audit", "tail", "--data-dir", dd, "-n", "10");
        assertThat((String) audit[1]).contains("model.keygen").contains("model.sign").contains("model.verify")
                .contains("model.scan").contains("model.bom");
    }
}
