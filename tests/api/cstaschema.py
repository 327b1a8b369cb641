"""The children of every message the server sends, in schema order
(ECMA-323 6th edition for CSTA, ECMA-354 for the application session):
the XSD types are sequences, so a strict client refuses another order.
CstaClient checks each message it receives against this table (messages
not listed, or made of a single choice, are not checked)."""

ORDER = {k: v.split() for k, v in {
    "AgentLoggedOffEvent": "monitorCrossRefID agentDevice agentID acdGroup agentPassword cause extensions",
    "AgentLoggedOnEvent": "monitorCrossRefID agentDevice agentID acdGroup agentPassword cause extensions",
    "AgentNotReadyEvent": "monitorCrossRefID agentDevice agentID acdGroup cause extensions",
    "AgentReadyEvent": "monitorCrossRefID agentDevice agentID acdGroup cause extensions",
    "AgentWorkingAfterCallEvent": "monitorCrossRefID agentDevice agentID acdGroup pendingAgentState cause extensions",
    "BackInServiceEvent": "monitorCrossRefID device cause extensions",
    "CallClearedEvent": "monitorCrossRefID clearedCall correlatorData userData cause mediaCallCharacteristics callCharacteristics callLinkageData languagePreferences locationInfoList extensions",
    "ChangeMonitorFilterResponse": "actualFilterList extensions",
    "ConferenceCallResponse": "conferenceCall connections conferenceCallInfo callLinkageDataList extensions",
    "ConferencedEvent": "monitorCrossRefID primaryOldCall secondaryOldCall conferencingDevice addedParty conferenceConnections localConnectionInfo correlatorData userData cause servicesPermitted mediaCallCharacteristics callCharacteristics callLinkageDataList languagePreferences deviceHistory locationInfoList extensions",
    "ConnectionClearedEvent": "monitorCrossRefID droppedConnection releasingDevice localConnectionInfo correlatorData userData chargingInfo cause servicesPermitted mediaCallCharacteristics callCharacteristics droppedConnectionInfo callLinkageData languagePreferences deviceHistory locationInfoList extensions",
    "ConsultationCallResponse": "initiatedCall mediaCallCharacteristics initiatedCallInfo callLinkageData extensions",
    "DeliveredEvent": "monitorCrossRefID connection alertingDevice callingDevice calledDevice lastRedirectionDevice originatingNIDConnection localConnectionInfo correlatorData userData cause servicesPermitted networkCallingDevice networkCalledDevice associatedCallingDevice associatedCalledDevice mediaCallCharacteristics callCharacteristics connectionInfo callLinkageData subjectOfCall messageInfo languagePreferences deviceHistory locationInfoList extensions",
    "DigitsGeneratedEvent": "monitorCrossRefID connection digitGeneratedList digitDurationList pauseDurationList connectionInfo extensions",
    "DivertedEvent": "monitorCrossRefID connection divertingDevice newDestination callingDevice calledDevice lastRedirectionDevice localConnectionInfo correlatorData userData cause servicesPermitted mediaCallCharacteristics callCharacteristics connectionInfo networkCallingDevice networkCalledDevice associatedCallingDevice associatedCalledDevice callLinkageData subjectOfCall messageInfo languagePreferences deviceHistory locationInfoList extensions",
    "EstablishedEvent": "monitorCrossRefID establishedConnection answeringDevice callingDevice calledDevice lastRedirectionDevice originatinNIDConnection localConnectionInfo correlatorData userData cause servicesPermitted networkCallingDevice networkCalledDevice associatedCallingDevice associatedCalledDevice mediaCallCharacteristics callCharacteristics establishedConnectionInfo callLinkageData subjectOfCall messageInfo languagePreferences deviceHistory locationInfoList extensions",
    "FailedEvent": "monitorCrossRefID failedConnection failingDevice callingDevice calledDevice lastRedirectionDevice originatingNIDConnection localConnectionInfo correlatorData userData cause servicesPermitted networkCallingDevice networkCalledDevice associatedCallingDevice associatedCalledDevice mediaCallCharacteristics callCharacteristics failedConnectionInfo callLinkageData subjectOfCall messageInfo languagePreferences deviceHistory locationInfoList extensions",
    "GetAgentStateResponse": "agentStateList extensions",
    "GetCSTAFeaturesResponse": "supportedServices supportedEvents extensions",
    "HeldEvent": "monitorCrossRefID heldConnection holdingDevice localConnectionInfo correlatorData cause servicesPermitted mediaCallCharacteristics callCharacteristics heldConnectionInfo callLinkageData languagePreferences locationInfoList extensions",
    "MakeCallResponse": "callingDevice mediaCallCharacteristics initiatedCallInfo callLinkageData extensions",
    "MonitorStartResponse": "monitorCrossRefID actualMonitorFilter actualMonitorMediaClass monitorExistingCalls extensions",
    "OriginatedEvent": "monitorCrossRefID originatedConnection callingDevice calledDevice originatingDevice localConnectionInfo correlatorData cause servicesPermitted networkCallingDevice networkCalledDevice associatedCallingDevice associatedCalledDevice mediaCallCharacteristics callCharacteristics originatedConnectionInfo callLinkageData subjectOfCall messageInfo languagePreferences locationInfoList extensions",
    "OutOfServiceEvent": "monitorCrossRefID device cause extensions",
    "RequestSystemStatusResponse": "systemStatus extensions",
    "RetrievedEvent": "monitorCrossRefID retrievedConnection retrievingDevice localConnectionInfo correlatorData cause servicesPermitted mediaCallCharacteristics callCharacteristics retrievedConnectionInfo callLinkageData languagePreferences locationInfoList extensions",
    "ServiceInitiatedEvent": "monitorCrossRefID initiatedConnection initiatingDevice calledDevice localConnectionInfo correlatorData cause servicesPermitted mediaCallCharacteristics callCharacteristics initiatedConnectionInfo networkCallingDevice networkCalledDevice associatedCallingDevice callLinkageData subjectOfCall messageInfo languagePreferences locationInfoList extensions",
    "SetAgentStateResponse": "pendingAgentState extensions",
    "SingleStepTransferCallResponse": "transferredCall connections transferredCallInfo callLinkageDataList extensions",
    "SnapshotCallResponse": "crossRefIDorSnapshotData mediaCallCharacteristics callCharacteristics callingDevice calledDevice associatedCallingDevice associatedCalledDevice correlatorData callLinkageData subjectOfCall messageInfo languagePreferences deviceHistory extensions",
    "SnapshotDeviceResponse": "crossRefIDorSnapshotData extensions",
    "SystemStatus": "sysStatRegisterID systemStatus extensions",
    "TransferCallResponse": "transferredCall connections transferredCallInfo callLinkageDataList extensions",
    "TransferedEvent": "monitorCrossRefID primaryOldCall secondaryOldCall transferringDevice transferredToDevice transferredConnections localConnectionInfo correlatorData userData chargingInfo cause servicesPermitted mediaCallCharacteristics callCharacteristics callLinkageDataList languagePreferences deviceHistory locationInfoList extensions",
    "StartApplicationSessionPosResponse": "sessionID actualProtocolVersion actualSessionDuration extensions",
    "StartApplicationSessionNegResponse": "errorCode extensions",
    "ResetApplicationSessionTimerPosResponse": "actualSessionDuration extensions",
    "ResetApplicationSessionTimerNegResponse": "errorCode extensions",
    "ApplicationSessionTerminated": "sessionID sessionTermReason extensions",
}.items()}


def order_error(name, children):
    """Why the children (local names, in document order) of a message
    called name break its schema order, or None."""
    order = ORDER.get(name)
    if order is None:
        return None
    last = -1
    for child in children:
        if child not in order:
            return f"{name}: <{child}> is not one of its children"
        at = order.index(child)
        if at <= last:
            return f"{name}: <{child}> is out of schema order ({children})"
        last = at
    return None
