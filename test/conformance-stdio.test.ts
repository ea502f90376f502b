// The conformance vectors (conformance/vectors/) through a real `liter-llm engine --stdio` process.
import { runConformance } from './conformance/run-conformance.js';

runConformance('stdio');
