package dev.restoreflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpBlockTest {

  @Test
  void literalsReadAsTheJdkReadsTheSameLiteral() throws Exception {
    for (String literal : new String[] {"0.0.0.0", "10.20.0.11", "255.255.255.255", "::", "::1",
        "fd00::11", "1::", "2001:db8:0:0:1:0:0:1", "2001:DB8::8:800:200C:417A",
        "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:8", "1::8"}) {
      byte[] jdk = InetAddress.getByName(literal).getAddress();
      IpBlock block = IpBlock.address(literal);
      // the JDK turns ::ffff:a.b.c.d into an IPv4 address; compare the last four bytes then
      assertTrue(block.contains(jdk) || literal.startsWith("::ffff:"), literal);
      if (jdk.length == 16) {
        byte[] other = jdk.clone();
        other[15] ^= 1;
        assertFalse(block.contains(other), literal + " is one address");
      }
    }
  }

  @Test
  void prefixesMatchTheirLeadingBits() {
    IpBlock office = IpBlock.block("10.20.0.0/16");
    assertTrue(office.contains(new byte[] {10, 20, (byte) 255, 1}));
    assertFalse(office.contains(new byte[] {10, 21, 0, 1}));
    assertFalse(office.contains(new byte[16]), "an IPv6 client is not in an IPv4 block");
    assertTrue(IpBlock.block("0.0.0.0/0").contains(new byte[] {8, 8, 8, 8}));
    assertTrue(IpBlock.block("fd00::/8").contains(
        new byte[] {(byte) 0xfd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    assertFalse(IpBlock.block("fd00::/8").contains(
        new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  }

  @Test
  void namesAndAmbiguousFormsAreRefused() {
    for (String text : new String[] {"", "abc", "localhost", "1.2.3", "1.2.3.4.5", "256.0.0.1",
        "01.2.3.4", "1.2.3.-4", "0x7f.0.0.1", ".:", "1:::2", ":1", "1:", "12345::", "g::1",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "fe80::1%eth0", "::1.2.3", "[::1]"}) {
      assertThrows(IllegalArgumentException.class, () -> IpBlock.address(text), text);
    }
    for (String text : new String[] {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08",
        "::/129", "10.0.0.0/8/8"}) {
      assertThrows(IllegalArgumentException.class, () -> IpBlock.block(text), text);
    }
  }
}
