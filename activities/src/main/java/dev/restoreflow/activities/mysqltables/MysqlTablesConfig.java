package dev.restoreflow.activities.mysqltables;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.restoreflow.activities.config.EngineSettings;
import java.util.Map;

/**
 * The {@code mysqltables} engine's settings of an instance: chosen tables of one MySQL/MariaDB
 * database, dumped from one snapshot into 7z archives in a directory.
 *
 * @param archiveDir where the archives are (absolute); also the place the NATS gateway promises
 * @param host where the server listens (default 127.0.0.1); ignored when {@code socket} is set
 * @param port its TCP port (default 3306)
 * @param socket its Unix socket; null = TCP
 * @param database the database whose tables are backed up and restored
 * @param user the account mariadb-dump and mariadb log in as
 * @param passwordEnv the NAME of the environment variable holding that account's password;
 *     null = no password
 * @param binDir where mariadb and mariadb-dump are (default /usr/bin)
 * @param sevenZip the 7-Zip program (default /usr/bin/7zz)
 * @param compressLevel 7-Zip's {@code -mx} (0-9, default 5)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record MysqlTablesConfig(
    String archiveDir,
    String host,
    Integer port,
    String socket,
    String database,
    String user,
    String passwordEnv,
    String binDir,
    String sevenZip,
    Integer compressLevel) implements EngineSettings {

  public MysqlTablesConfig {
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? 3306 : port;
    binDir = binDir == null ? "/usr/bin" : binDir;
    sevenZip = sevenZip == null ? "/usr/bin/7zz" : sevenZip;
    compressLevel = compressLevel == null ? 5 : compressLevel;
  }

  @Override
  public Map<String, String> ownPaths() {
    return Map.of("archiveDir", archiveDir);
  }

  String tool(String name) {
    return binDir + "/" + name;
  }

  /** Where the server is, for messages (never the credentials). */
  String where() {
    return "database " + database + " on " + (socket != null ? socket : host + ":" + port);
  }
}
