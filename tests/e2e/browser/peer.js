// The page side of the e2e tests: one RTCPeerConnection that answers an
// offer, trickles candidates, plays the remote audio and measures it.
// Loaded by peer.html; the test drives it through window.mg.
'use strict';

window.mg = {
  pc: null,
  candidates: [],
  analyser: null,
  audio: null,

  // Answers @offer (SDP text) with the fake microphone; returns the answer's SDP.
  async answer (offer, iceServers) {
    const pc = new RTCPeerConnection({ iceServers: iceServers || [], bundlePolicy: 'max-bundle' });
    this.pc = pc;
    pc.onicecandidate = (e) => this.candidates.push(e.candidate ? e.candidate.toJSON() : null);
    pc.ontrack = (e) => this.play(e.streams[0] || new MediaStream([e.track]));
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    for (const track of mic.getAudioTracks()) pc.addTrack(track, mic);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    return pc.localDescription.sdp;
  },

  // Headless Chromium computes no levels unless the remote stream plays in an
  // unmuted <audio> element; the analyser then hears what a person would.
  play (stream) {
    this.audio = document.getElementById('remote');
    this.audio.srcObject = stream;
    this.audio.play();
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    this.analyser = ctx.createAnalyser();
    this.analyser.fftSize = 8192;
    this.analyser.smoothingTimeConstant = 0.2;
    source.connect(this.analyser);
  },

  // Candidates found since the last call ({candidate, sdpMid, sdpMLineIndex},
  // null for the end of candidates).
  takeCandidates () {
    const list = this.candidates;
    this.candidates = [];
    return list;
  },

  async addCandidate (candidate, sdpMid, sdpMLineIndex) {
    await this.pc.addIceCandidate({ candidate, sdpMid, sdpMLineIndex });
  },

  // The loudest frequency (Hz) between 100 Hz and 4 kHz and its level (dB),
  // or null before the remote track arrived.
  dominantFrequency () {
    if (!this.analyser) return null;
    const bins = new Float32Array(this.analyser.frequencyBinCount);
    this.analyser.getFloatFrequencyData(bins);
    const hzPerBin = this.analyser.context.sampleRate / this.analyser.fftSize;
    let best = -1;
    for (let i = Math.ceil(100 / hzPerBin); i < 4000 / hzPerBin; i++) {
      if (best < 0 || bins[i] > bins[best]) best = i;
    }
    return { frequency: best * hzPerBin, level: bins[best] };
  },

  async stats () {
    const out = { connectionState: this.pc && this.pc.connectionState };
    if (!this.pc) return out;
    (await this.pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        out.packetsReceived = r.packetsReceived;
        out.bytesReceived = r.bytesReceived;
        out.packetsLost = r.packetsLost;
        out.audioLevel = r.audioLevel;
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        out.packetsSent = r.packetsSent;
      } else if (r.type === 'codec' && r.mimeType) {
        (out.codecs = out.codecs || []).push(`${r.payloadType} ${r.mimeType}/${r.clockRate}`);
      }
    });
    return out;
  },
};
