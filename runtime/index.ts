/**
 * The public API of gfs for embedders and plugin authors. Translators import `defineXlator` and
 * the types; tools import the graph loader and lifecycle.
 */
export { defineXlator, API_VERSION } from './xlator/define.js';
export type { XlatorDefinition, FopImpl, FopImpls, Cbks } from './xlator/define.js';
export { Xlator } from './xlator/xlator.js';
export type { GfEvent, UpEventType, DownEventType } from './xlator/events.js';
export * from './fops/index.js';
export { FopError, E, fopError } from './core/fop-error.js';
export { Dict, type DictValue } from './core/dict.js';
export { Fd, FdTable } from './core/fd.js';
export { Inode, InodeTable } from './core/inode.js';
export type { Loc } from './core/loc.js';
export { createFrame, type Frame } from './core/frame.js';
export { pipeBytesOf, realBytes } from './core/pipe-bytes.js';
export * from './core/gfid.js';
export * from './core/iatt.js';
export type { OptionSpec, OptionTable, OptionValues, PercentOrSize } from './options/types.js';
export { Graph, type GraphOptions, type GraphState } from './graph/graph.js';
export { createGraph, activateGraph, type CreateGraphOptions } from './graph/create.js';
export { reconfigureGraph } from './graph/reconfigure.js';
export type { GraphSpec, VolumeSpec } from './graph/spec.js';
export { GfsError, type DiagnosticData } from './diagnostics/diagnostic.js';
export { CODES, type Code } from './diagnostics/codes.js';
export { Logger, setLogSink, setDefaultLogLevel, type LogLevel } from './log/logger.js';
