package dev.restoreflow.worker.config;

import java.util.regex.Pattern;

/**
 * A literal IP address, or a CIDR block, read from the config without any name lookup:
 * {@code InetAddress.getByName} would resolve {@code abc} by DNS and read {@code 1.2.3} as
 * 1.2.0.3, so only an IPv4 dotted quad (four decimal octets 0-255) or an IPv6 address (with
 * ':') is taken, optionally with a {@code /prefix} (0-32, 0-128).
 */
public final class IpBlock {

  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
  private static final String EXPECTED = "must be a literal IPv4 address (four decimal octets"
      + " 0-255, e.g. 10.20.0.11) or IPv6 address (e.g. fd00::11)";

  private final byte[] address;
  private final int prefix;

  /** @param prefix the number of leading bits of {@code address} (4 or 16 bytes) that count */
  private IpBlock(byte[] address, int prefix) {
    this.address = address;
    this.prefix = prefix;
  }

  /** A literal address; the message of the exception says what is expected. */
  public static IpBlock address(String text) {
    byte[] address = parseAddress(text);
    return new IpBlock(address, address.length * 8);
  }

  /** A literal address or {@code address/prefix}. */
  public static IpBlock block(String text) {
    int slash = text.indexOf('/');
    byte[] address;
    try {
      address = parseAddress(slash < 0 ? text : text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + ", optionally with /prefix");
    }
    if (slash < 0) {
      return new IpBlock(address, address.length * 8);
    }
    int max = address.length * 8;
    String prefix = text.substring(slash + 1);
    if (!prefix.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(prefix) > max) {
      throw new IllegalArgumentException("'" + text + "': the prefix must be 0-" + max);
    }
    return new IpBlock(address, Integer.parseInt(prefix));
  }

  /** Whether {@code other} (4 or 16 bytes) is inside this block. */
  public boolean contains(byte[] other) {
    if (other.length != address.length) {
      return false;
    }
    int bits = prefix;
    for (int i = 0; i < other.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
      if ((other[i] & mask) != (address[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] parseAddress(String text) {
    byte[] address = text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
    if (address == null) {
      throw new IllegalArgumentException("'" + text + "' " + EXPECTED);
    }
    return address;
  }

  private static byte[] ipv4(String text) {
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!OCTET.matcher(octets[i]).matches() || Integer.parseInt(octets[i]) > 255) {
        return null;
      }
      out[i] = (byte) Integer.parseInt(octets[i]);
    }
    return out;
  }

  /** Eight groups of hex, one {@code ::} for a run of zero groups, an IPv4 tail allowed. */
  private static byte[] ipv6(String text) {
    String groups = text;
    byte[] ipv4Tail = null;
    int lastColon = text.lastIndexOf(':');
    if (text.indexOf('.', lastColon) >= 0) {
      ipv4Tail = ipv4(text.substring(lastColon + 1));
      if (ipv4Tail == null) {
        return null;
      }
      groups = text.substring(0, lastColon + 1) + "0:0";
    }
    int gap = groups.indexOf("::");
    if (gap >= 0 && groups.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String[] head = split(gap < 0 ? groups : groups.substring(0, gap));
    String[] tail = gap < 0 ? new String[0] : split(groups.substring(gap + 2));
    if (head == null || tail == null || (gap < 0 ? head.length != 8 : head.length + tail.length > 7)) {
      return null;
    }
    byte[] out = new byte[16];
    put(out, head, 0);
    put(out, tail, 8 - tail.length);
    if (ipv4Tail != null) {
      System.arraycopy(ipv4Tail, 0, out, 12, 4);
    }
    return out;
  }

  /** The groups of a part between colons; null when one is not 1-4 hex digits. */
  private static String[] split(String part) {
    if (part.isEmpty()) {
      return new String[0];
    }
    String[] groups = part.split(":", -1);
    for (String group : groups) {
      if (!GROUP.matcher(group).matches()) {
        return null;
      }
    }
    return groups;
  }

  private static void put(byte[] out, String[] groups, int firstGroup) {
    for (int i = 0; i < groups.length; i++) {
      int value = Integer.parseInt(groups[i], 16);
      out[2 * (firstGroup + i)] = (byte) (value >> 8);
      out[2 * (firstGroup + i) + 1] = (byte) value;
    }
  }
}
