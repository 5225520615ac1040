import {
  DataType,
  EventNotifierFlags,
  NodeClass,
  StatusCodes,
  Variant,
  VariantArrayType,
  promoteToStateMachine,
  type AddressSpace,
  type INamespace,
  type ISessionContext,
  type MethodResult,
  type NodeId,
  type UAEventType,
  type UAMethod,
  type UAObject,
  type UAStateMachineEx,
  type UAVariable,
} from 'node-opcua';
import type { AnswerPayload, ErrorPayload, LineRecipe, StationLineState, TriggerAccepted, VerdictPayload } from '../line-adapter';
import { StationError } from '../../../common/errors';
import { errorMessage, numberArgument, partIdArgument, recipeArgument, statusFor, structId, PART_ID_MAX, RECIPE_NAME_MAX } from './opcua-input';

/**
 * The station in the OPC UA address space: one instance of OPC 40100's VisionSystemType under
 * Objects, with the Machine Vision state machine, recipe management and result management, plus
 * the station's own nodes (last-result variables, plain Trigger / SelectRecipe methods, the result
 * event subtype) in the Myriad namespace. docs/line-opcua.md lists every node.
 */

export const MACHINE_VISION_NAMESPACE = 'http://opcfoundation.org/UA/MachineVision';
export const MYRIAD_NAMESPACE = 'urn:myriad-station:line:opcua';
export const VISION_SYSTEM_NAME = 'MyriadStation';

/** What the address space asks of the adapter; each call may throw a StationError, answered as a status code. */
export interface VisionSystemActions {
  recipes(): LineRecipe[];
  activeRecipe(): LineRecipe | null;
  selectRecipe(recipe: string | number): Promise<LineRecipe>;
  trigger(partId: string | null, recipe: string | number | null): Promise<TriggerAccepted>;
  /** A method call was refused (bad argument, unknown recipe, full queue): for the station log. */
  refused(method: string, err: unknown): void;
}

export interface VisionSystem {
  readonly node: UAObject;
  setStationState(state: StationLineState): void;
  publishVerdict(payload: VerdictPayload, simulated: boolean): void;
  publishAnswer(payload: AnswerPayload): void;
  publishError(payload: ErrorPayload): void;
}

/**
 * Station states on the Machine Vision state machines. OPC 40100 has no separate "busy" state at the
 * top level: a part being inspected is Operational with the automatic-mode sub-machine in
 * SingleExecution, and an idle station is Operational / Ready. Before the first stationState()
 * call the machine is Preoperational / Initialized (the station is still starting).
 */
export const STATE_MAPPING: Record<StationLineState, { vision: string; automatic: string | null }> = {
  ready: { vision: 'Operational', automatic: 'Ready' },
  busy: { vision: 'Operational', automatic: 'SingleExecution' },
  error: { vision: 'Error', automatic: null },
  stopped: { vision: 'Halted', automatic: null },
};

/** Recipes and the active recipe are read from the station on each read; a subscription samples them this often. */
const GETTER_SAMPLING_MS = 500;

/** OPC 40100 ResultStateDataType: 1 = Completed (the verdict is in the event's own fields). */
const RESULT_STATE_COMPLETED = 1;

const RESULT_FIELDS = [
  ['MessageId', DataType.String],
  ['InspectionId', DataType.String],
  ['TriggerId', DataType.String],
  ['Recipe', DataType.String],
  ['RecipeVersion', DataType.UInt32],
  ['Verdict', DataType.String],
  ['Ok', DataType.Boolean],
  ['Score', DataType.Double],
  ['DecidedBy', DataType.String],
] as const;

const ERROR_FIELDS = [
  ['MessageId', DataType.String],
  ['TriggerId', DataType.String],
  ['PartIdText', DataType.String],
  ['Code', DataType.String],
] as const;

const LAST_RESULT_VARIABLES = [
  ['LastMessageId', DataType.String],
  ['LastInspectionId', DataType.String],
  ['LastPartId', DataType.String],
  ['LastTriggerId', DataType.String],
  ['LastRecipe', DataType.String],
  ['LastRecipeVersion', DataType.UInt32],
  ['LastVerdict', DataType.String],
  ['LastOk', DataType.Boolean],
  ['LastScore', DataType.Double],
  ['LastResultTime', DataType.DateTime],
  ['LastAnswer', DataType.String],
  ['LastAnswerVerdict', DataType.String],
  ['LastAnswerDefect', DataType.String],
  ['LastAnswerInspectionId', DataType.String],
  ['LastError', DataType.String],
] as const;
type LastVariableName = (typeof LAST_RESULT_VARIABLES)[number][0];

export function buildVisionSystem(addressSpace: AddressSpace, actions: VisionSystemActions): VisionSystem {
  const mv = addressSpace.getNamespaceIndex(MACHINE_VISION_NAMESPACE);
  if (mv < 0) throw new Error('the OPC 40100 Machine Vision nodeset is not loaded');
  const ns = addressSpace.registerNamespace(MYRIAD_NAMESPACE);
  const objects = addressSpace.rootFolder.objects;

  const visionSystemType = addressSpace.findObjectType('VisionSystemType', mv);
  if (!visionSystemType) throw new Error('VisionSystemType is missing from the Machine Vision nodeset');
  const node = visionSystemType.instantiate({
    browseName: { name: VISION_SYSTEM_NAME, namespaceIndex: ns.index },
    namespace: ns,
    organizedBy: objects,
    notifierOf: objects.server,
    optionals: ['RecipeManagement', 'ResultManagement', 'VisionStateMachine.AutomaticModeStateMachine'],
  });
  // Clients subscribe to result events on the vision system itself (and, through HasNotifier, on Server).
  node.setEventNotifier(EventNotifierFlags.SubscribeToEvents);

  const child = (parent: UAObject, name: string): UAObject => {
    const found = parent.getComponentByName(name, mv);
    if (!found || found.nodeClass !== NodeClass.Object) throw new Error(`${name} is missing from the VisionSystemType instance`);
    return found as UAObject;
  };
  const method = (parent: UAObject, name: string): UAMethod => {
    const found = parent.getMethodByName(name, mv);
    if (!found) throw new Error(`${name} is missing from the VisionSystemType instance`);
    return found;
  };

  const stateMachineNode = child(node, 'VisionStateMachine');
  const visionState = promoteToStateMachine(stateMachineNode);
  const automaticMode = promoteToStateMachine(child(stateMachineNode, 'AutomaticModeStateMachine'));
  setStates(visionState, automaticMode, 'Preoperational', 'Initialized');

  const recipeManagement = child(node, 'RecipeManagement');
  const resultManagement = child(node, 'ResultManagement');

  // Every method: arguments checked, the station's error mapped to a status code and logged, never a throw into node-opcua.
  const bind = (target: UAMethod, name: string, run: (args: Variant[]) => Promise<Variant[]>) => {
    // node-opcua tells a promise-returning method from a callback one by its arity: keep both parameters.
    target.bindMethod(async (args: Variant[], _context: ISessionContext): Promise<MethodResult> => {
      try {
        return { statusCode: StatusCodes.Good, outputArguments: await run(args) };
      } catch (err) {
        actions.refused(name, err);
        return { statusCode: statusFor(err), statusText: errorMessage(err) };
      }
    });
  };
  const notSupported = (target: UAMethod, instead: string) =>
    target.bindMethod(async (_args: Variant[], _context: ISessionContext): Promise<MethodResult> => ({
      statusCode: StatusCodes.BadNotSupported,
      statusText: `not supported by Myriad Station; ${instead}`,
    }));

  const dataType = (name: string): NodeId => {
    const found = addressSpace.findDataType(name, mv);
    if (!found) throw new Error(`${name} is missing from the Machine Vision nodeset`);
    return found.nodeId;
  };
  const struct = (name: string, fields: Record<string, unknown>) => new Variant({ dataType: DataType.ExtensionObject, value: addressSpace.constructExtensionObject(dataType(name), fields) });
  const recipeId = (r: LineRecipe) => addressSpace.constructExtensionObject(dataType('RecipeIdInternalDataType'), { id: r.name, version: String(r.version) });
  const NO_ERROR = new Variant({ dataType: DataType.Int32, value: 0 });

  // --- Recipe management (OPC 40100 §8.3): recipes are the station's, by name; a recipe's "internal id" is its name and version.
  bind(method(recipeManagement, 'GetRecipeListFiltered'), 'GetRecipeListFiltered', async (args) => {
    const externalId = structId(args[0], 'ExternalId', RECIPE_NAME_MAX);
    const isPrepared = numberArgument(args[2], 'IsPrepared'); // TriStateBooleanDataType: 0 false, 1 true, 2 don't care
    const maxResults = numberArgument(args[3], 'MaxResults');
    const startIndex = numberArgument(args[4], 'StartIndex');
    const active = actions.activeRecipe();
    const matching = actions.recipes().filter((r) => {
      if (externalId !== null && r.name !== externalId) return false;
      if (isPrepared === 0) return r.name !== active?.name;
      if (isPrepared === 1) return r.name === active?.name;
      return true;
    });
    const page = matching.slice(startIndex, maxResults > 0 ? startIndex + maxResults : undefined);
    return [
      new Variant({ dataType: DataType.Boolean, value: startIndex + page.length >= matching.length }),
      new Variant({ dataType: DataType.UInt32, value: matching.length }),
      new Variant({ dataType: DataType.UInt32, value: 0 }), // no handle: the list is small and returned whole
      new Variant({ dataType: DataType.ExtensionObject, arrayType: VariantArrayType.Array, value: page.map(recipeId) }),
      NO_ERROR,
    ];
  });
  bind(method(recipeManagement, 'PrepareRecipe'), 'PrepareRecipe', async (args) => {
    const name = structId(args[1], 'InternalIdIn', RECIPE_NAME_MAX) ?? structId(args[0], 'ExternalId', RECIPE_NAME_MAX);
    if (name === null) throw new StationError('INVALID_INPUT', 'PrepareRecipe needs ExternalId.Id or InternalIdIn.Id: the recipe name');
    const recipe = await actions.selectRecipe(name);
    return [new Variant({ dataType: DataType.ExtensionObject, value: recipeId(recipe) }), new Variant({ dataType: DataType.Boolean, value: true }), NO_ERROR];
  });
  notSupported(method(recipeManagement, 'UnprepareRecipe'), 'the station always has one active recipe: PrepareRecipe another one');

  // Plain methods for PLC clients that cannot build Machine Vision structures.
  ns.addVariable({
    componentOf: recipeManagement,
    browseName: 'Recipes',
    dataType: DataType.String,
    valueRank: 1,
    arrayDimensions: [0],
    minimumSamplingInterval: GETTER_SAMPLING_MS,
    value: { get: () => new Variant({ dataType: DataType.String, arrayType: VariantArrayType.Array, value: actions.recipes().map((r) => r.name) }) },
  });
  ns.addVariable({
    componentOf: recipeManagement,
    browseName: 'ActiveRecipe',
    dataType: DataType.String,
    minimumSamplingInterval: GETTER_SAMPLING_MS,
    value: { get: () => new Variant({ dataType: DataType.String, value: actions.activeRecipe()?.name ?? null }) },
  });
  const selectRecipe = ns.addMethod(recipeManagement, {
    browseName: 'SelectRecipe',
    inputArguments: [{ name: 'Recipe', dataType: DataType.String, description: 'recipe name, or its 1-based index as digits' }],
    outputArguments: [
      { name: 'Name', dataType: DataType.String },
      { name: 'Version', dataType: DataType.UInt32 },
    ],
  });
  bind(selectRecipe, 'SelectRecipe', async (args) => {
    const recipe = recipeArgument(args[0]?.value);
    if (recipe === null) throw new StationError('INVALID_INPUT', 'SelectRecipe needs a recipe name or index');
    const selected = await actions.selectRecipe(recipe);
    return [new Variant({ dataType: DataType.String, value: selected.name }), new Variant({ dataType: DataType.UInt32, value: selected.version })];
  });

  // --- Triggering: StartSingleJob on the automatic-mode state machine (OPC 40100 §8.2), and a plain Trigger.
  bind(method(automaticMode, 'StartSingleJob'), 'StartSingleJob', async (args) => {
    const partId = structId(args[1], 'PartId', PART_ID_MAX);
    const recipe = structId(args[2], 'RecipeId', RECIPE_NAME_MAX);
    const accepted = await actions.trigger(partId, recipe);
    return [struct('JobIdDataType', { id: accepted.triggerId }), NO_ERROR];
  });
  for (const name of ['StartContinuous', 'Stop', 'Abort']) notSupported(method(automaticMode, name), 'the station runs one job per StartSingleJob');
  for (const name of ['Halt', 'Reset']) notSupported(method(stateMachineNode, name), 'the station state is set on the station');

  const trigger = ns.addMethod(node, {
    browseName: 'Trigger',
    inputArguments: [
      { name: 'PartId', dataType: DataType.String, description: '1-64 printable characters, or empty' },
      { name: 'Recipe', dataType: DataType.String, description: 'switch to this recipe first (name or index), or empty' },
    ],
    outputArguments: [
      { name: 'TriggerId', dataType: DataType.String },
      { name: 'Ahead', dataType: DataType.UInt32 },
    ],
  });
  bind(trigger, 'Trigger', async (args) => {
    const accepted = await actions.trigger(partIdArgument(args[0]?.value), recipeArgument(args[1]?.value));
    return [new Variant({ dataType: DataType.String, value: accepted.triggerId }), new Variant({ dataType: DataType.UInt32, value: accepted.ahead })];
  });

  // --- Result management: the result event and the last-result variables.
  for (const name of ['GetResultById', 'GetResultComponentsById', 'GetResultListFiltered']) {
    notSupported(method(resultManagement, name), 'results are sent as MyriadResultReadyEventType events and kept in the LastResult variables');
  }
  const last = new Map<LastVariableName, UAVariable>();
  for (const [name, type] of LAST_RESULT_VARIABLES) {
    // No value until the first result: a client reads Null rather than a made-up zero.
    last.set(name, ns.addVariable({ componentOf: resultManagement, browseName: name, dataType: type }));
  }
  const setLast = (name: LastVariableName, dataType: DataType, value: string | number | boolean | Date | null) => {
    last.get(name)?.setValueFromSource(new Variant({ dataType, value }));
  };

  const resultReadyType = addressSpace.findEventType('ResultReadyEventType', mv);
  if (!resultReadyType) throw new Error('ResultReadyEventType is missing from the Machine Vision nodeset');
  const resultEventType = addEventType(ns, 'MyriadResultReadyEventType', resultReadyType, RESULT_FIELDS);
  const errorEventType = addEventType(ns, 'MyriadTriggerErrorEventType', 'BaseEventType', ERROR_FIELDS);

  const v = (dataType: DataType, value: unknown) => new Variant({ dataType, value });
  const text = (value: string) => v(DataType.String, value);

  return {
    node,
    setStationState(state) {
      const target = STATE_MAPPING[state];
      setStates(visionState, automaticMode, target.vision, target.automatic);
    },
    publishVerdict(p, simulated) {
      const raise: Record<string, Variant> = {
        message: v(DataType.LocalizedText, { text: `${p.verdict.toUpperCase()} ${p.partId ?? p.inspectionId} (${p.recipe} v${p.recipeVersion})` }),
        severity: v(DataType.UInt16, p.ok ? 100 : 500),
        resultId: struct('ResultIdDataType', { id: p.inspectionId }),
        isPartial: v(DataType.Boolean, false),
        isSimulated: v(DataType.Boolean, simulated),
        resultState: v(DataType.Int32, RESULT_STATE_COMPLETED),
        jobId: struct('JobIdDataType', { id: p.triggerId ?? p.inspectionId }),
        creationTime: v(DataType.DateTime, new Date(p.at)),
        internalRecipeId: v(DataType.ExtensionObject, recipeId({ index: 0, name: p.recipe, version: p.recipeVersion })),
        internalConfigurationId: struct('ConfigurationIdDataType', { id: VISION_SYSTEM_NAME }),
        messageId: text(p.messageId),
        inspectionId: text(p.inspectionId),
        triggerId: text(p.triggerId ?? ''),
        recipe: text(p.recipe),
        recipeVersion: v(DataType.UInt32, p.recipeVersion),
        verdict: text(p.verdict),
        ok: v(DataType.Boolean, p.ok),
        score: v(DataType.Double, p.score),
        decidedBy: text(p.decidedBy),
      };
      if (p.partId !== null) raise.partId = struct('PartIdDataType', { id: p.partId });
      node.raiseEvent(resultEventType, raise);
      setLast('LastInspectionId', DataType.String, p.inspectionId);
      setLast('LastPartId', DataType.String, p.partId);
      setLast('LastTriggerId', DataType.String, p.triggerId);
      setLast('LastRecipe', DataType.String, p.recipe);
      setLast('LastRecipeVersion', DataType.UInt32, p.recipeVersion);
      setLast('LastVerdict', DataType.String, p.verdict);
      setLast('LastOk', DataType.Boolean, p.ok);
      setLast('LastScore', DataType.Double, p.score);
      setLast('LastResultTime', DataType.DateTime, new Date(p.at));
      // Last, so that a client watching LastMessageId reads a complete result when it changes.
      setLast('LastMessageId', DataType.String, p.messageId);
    },
    publishAnswer(p) {
      setLast('LastAnswerInspectionId', DataType.String, p.inspectionId);
      setLast('LastAnswerVerdict', DataType.String, p.verdict);
      setLast('LastAnswerDefect', DataType.String, p.defect);
      setLast('LastAnswer', DataType.String, p.answer);
    },
    publishError(p) {
      node.raiseEvent(errorEventType, {
        message: v(DataType.LocalizedText, { text: p.message }),
        severity: v(DataType.UInt16, 700),
        messageId: text(p.messageId),
        triggerId: text(p.triggerId ?? ''),
        partIdText: text(p.partId ?? ''),
        code: text(p.code),
      });
      setLast('LastError', DataType.String, `${p.code}: ${p.message}`);
    },
  };
}

function addEventType(ns: INamespace, browseName: string, subtypeOf: UAEventType | string, fields: ReadonlyArray<readonly [string, DataType]>): UAEventType {
  const eventType = ns.addEventType({ browseName, subtypeOf });
  for (const [name, dataType] of fields) {
    ns.addVariable({ propertyOf: eventType, browseName: name, dataType, modellingRule: 'Mandatory' });
  }
  return eventType;
}

/**
 * Sets both machines. node-opcua follows a transition when the nodeset has one and otherwise sets the
 * state directly: the station's own state is the truth, the model's transitions only describe it.
 */
/**
 * The transition node-opcua takes when the model has several between two states (a method's and
 * its "...Auto" twin): the first, as its default does, but without its default's warning, which
 * formats both state nodes with all their references on every busy/ready change of every part.
 */
const FIRST_TRANSITION: NonNullable<Parameters<UAStateMachineEx['setState']>[1]> = (transitions) => transitions[0] ?? null;

function setStates(vision: UAStateMachineEx, automatic: UAStateMachineEx, visionState: string, automaticState: string | null): void {
  if (vision.currentStateNode?.browseName.name !== visionState) vision.setState(visionState, FIRST_TRANSITION);
  if (automaticState !== null && automatic.currentStateNode?.browseName.name !== automaticState) automatic.setState(automaticState, FIRST_TRANSITION);
}
