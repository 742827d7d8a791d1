package dev.restoreflow.workflows.model;

import java.util.List;

/** The backups of every instance asked for, read from the engines' own repositories. */
public record Catalog(List<InstanceCatalog> instances) {}
