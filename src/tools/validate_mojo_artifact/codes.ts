/** Stable rule codes of validate_mojo_artifact; never renumber, only add. */
export const codes = {
  unsupportedVersion: "MOJO001",
  damaged: "MOJO002",
  unsupportedAlgorithm: "MOJO003",
  predictionMismatch: "MOJO004",
  labelMismatch: "MOJO005",
  slowScoring: "MOJO006",
  storeMissingFeature: "MOJO007",
  storeTypeMismatch: "MOJO008",
  unseenLevels: "MOJO009",
  pojoMethodTooLarge: "MOJO010",
  pojoRisk: "MOJO011",
  auxFiles: "MOJO012",
  legacyFormat: "MOJO013",
  inconsistentDomains: "MOJO014",
  parityInput: "MOJO015",
} as const;
